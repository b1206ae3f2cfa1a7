/**
 * Discovery, as kubectl reads it before anything else: `/version`, the core group
 * (`/api`, `/api/v1`) and the named groups (`/apis`, `/apis/{group}/{version}`)
 * with the resources and verbs this server answers. What is listed here is what
 * the other routes serve; nothing more is advertised.
 */
import type {Route} from './context.js';
import {json, noSuchResource} from './status.js';

const coreResources = [
	{name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch'], shortNames: ['po'], categories: ['all']},
	{name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get']},
	{name: 'events', singularName: 'event', namespaced: true, kind: 'Event', verbs: ['get', 'list', 'watch'], shortNames: ['ev']},
	{name: 'services', singularName: 'service', namespaced: true, kind: 'Service', verbs: ['get', 'list'], shortNames: ['svc'], categories: ['all']},
	{name: 'services/proxy', singularName: '', namespaced: true, kind: 'ServiceProxyOptions', verbs: ['get', 'create']},
	{name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list'], shortNames: ['ns']},
];

const groups = {
	apps: {
		version: 'v1',
		resources: [
			{name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['get', 'list'], shortNames: ['deploy'], categories: ['all']},
			{name: 'statefulsets', singularName: 'statefulset', namespaced: true, kind: 'StatefulSet', verbs: ['get', 'list'], shortNames: ['sts'], categories: ['all']},
		],
	},
	'leaderworkerset.x-k8s.io': {version: 'v1', resources: [{name: 'leaderworkersets', singularName: 'leaderworkerset', namespaced: true, kind: 'LeaderWorkerSet', verbs: ['get', 'list'], shortNames: ['lws']}]},
} as const;

export const discoveryRoutes: Route[] = [
	{
		path: /^\/version$/,
		serve: (_api, {res}) =>
			json(res, 200, {major: '1', minor: '31', gitVersion: 'v1.31.0-infertop-sim', gitCommit: '0', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.22', compiler: 'gc', platform: 'linux/amd64'}),
	},
	{
		path: /^\/api$/,
		serve: (_api, {res, url}) => json(res, 200, {kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress: url.host}]}),
	},
	{
		path: /^\/api\/v1$/,
		serve: (_api, {res}) => json(res, 200, {kind: 'APIResourceList', groupVersion: 'v1', resources: coreResources}),
	},
	{
		path: /^\/apis$/,
		serve: (_api, {res}) =>
			json(res, 200, {
				kind: 'APIGroupList',
				apiVersion: 'v1',
				groups: Object.entries(groups).map(([name, g]) => ({
					name,
					versions: [{groupVersion: `${name}/${g.version}`, version: g.version}],
					preferredVersion: {groupVersion: `${name}/${g.version}`, version: g.version},
				})),
			}),
	},
	{
		path: /^\/apis\/([^/]+)\/([^/]+)$/,
		serve(_api, {res}, m) {
			const g = groups[m[1] as keyof typeof groups];
			if (g && g.version === m[2]) return json(res, 200, {kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${m[1]}/${m[2]}`, resources: g.resources});
			return noSuchResource(res);
		},
	},
];
