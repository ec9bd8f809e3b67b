/** CNI: network configs, the plugin protocol, ADD/DEL/CHECK of a network list. */
export * from './types';
export { findPlugin, execPlugin, throwIfCanceled, CniPluginError } from './exec';
export { loadNetwork, loopbackNetwork, defaultNetworkConfig, DEFAULT_NETWORK_FILE, DEFAULT_NETWORK_NAME, DEFAULT_BRIDGE, DEFAULT_SUBNET } from './config';
export { addNetwork, delNetwork, checkNetwork, podIps } from './network';
