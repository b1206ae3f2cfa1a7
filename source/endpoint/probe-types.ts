/** One probe round of the endpoint (filled in by the endpoint prober). */
export interface EndpointProbe {
	url: string;
	via: string;
	at: number;
}
