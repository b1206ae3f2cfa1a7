/** `ib-disabled`: `NCCL_IB_DISABLE=1` while NCCL sees IB/RoCE devices — traffic goes over TCP instead. */
import type {Rule} from './types.js';
import {joinList} from './subject.js';

export const ibDisabled: Rule = state => {
	const v = state.nccl.env['NCCL_IB_DISABLE'];
	if (v === undefined || v.trim() === '0' || v.trim() === '') return [];
	const devices = state.nccl.netDevices.filter(d => d.linkLayer === 'IB' || d.linkLayer === 'RoCE');
	if (devices.length === 0 && state.nccl.ibDeviceFound !== true) return [];
	const names = [...new Set(devices.map(d => `${d.name}${d.port !== null ? `:${d.port}` : ''}/${d.linkLayer}`))];
	return [
		{
			id: 'ib-disabled',
			severity: 'warn',
			subject: `NCCL_IB_DISABLE=${v}`,
			message: `InfiniBand/RoCE is disabled although NCCL sees ${names.length ? joinList(names) : 'IB devices'}: inter-node traffic falls back to TCP sockets. Fix: remove NCCL_IB_DISABLE (or set it to 0) unless those devices are known broken.`,
		},
	];
};
