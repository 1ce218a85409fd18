// machine.network (deprecated in favour of the network documents, still in most configs).
import { array, bool, deprecated, enumOf, int, object, string } from '../schema/builder.ts';
import { all, cidr, dnsName, duration, ip, ipOrCidr, nonEmpty } from '../schema/formats.ts';

const route = object({
  network: string(ipOrCidr),
  gateway: string(ip),
  source: string(ip),
  metric: int({ min: 0 }),
  mtu: int({ min: 0 }),
});

const dhcpOptions = object({
  routeMetric: int({ min: 0 }),
  ipv4: bool(),
  ipv6: bool(),
  duidv6: string(),
});

const vip = object({
  ip: string(ip),
  equinixMetal: object({ apiToken: string() }),
  hcloud: object({ apiToken: string() }),
});

const deviceSelector = object({
  busPath: string(),
  hardwareAddr: string(),
  permanentAddr: string(),
  pciID: string(),
  driver: string(),
  physical: bool(),
});

const wireguard = object({
  privateKey: string(),
  listenPort: int({ min: 0, max: 65535 }),
  firewallMark: int({ min: 0 }),
  peers: array(
    object({
      publicKey: string(nonEmpty),
      endpoint: string(),
      persistentKeepaliveInterval: string(duration),
      allowedIPs: array(string(cidr)),
    }),
  ),
});

const u32 = int({ min: 0, max: 4294967295 });
const u16 = int({ min: 0, max: 65535 });
const u8 = int({ min: 0, max: 255 });

const bond = object({
  interfaces: array(string()),
  deviceSelectors: array(deviceSelector),
  arpIPTarget: array(string(ip)),
  mode: enumOf(['balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb']),
  xmitHashPolicy: string(),
  lacpRate: string(),
  adActorSystem: string(),
  arpValidate: string(),
  arpAllTargets: string(),
  primary: string(),
  primaryReselect: string(),
  failOverMac: string(),
  adSelect: string(),
  miimon: u32,
  updelay: u32,
  downdelay: u32,
  arpInterval: u32,
  resendIgmp: u32,
  minLinks: u32,
  lpInterval: u32,
  packetsPerSlave: u32,
  numPeerNotif: u8,
  tlbDynamicLb: u8,
  allSlavesActive: u8,
  useCarrier: bool(),
  adActorSysPrio: u16,
  adUserPortKey: u16,
  peerNotifyDelay: u32,
});

const bridge = object({
  interfaces: array(string()),
  stp: object({ enabled: bool() }),
  vlan: object({ vlanFiltering: bool() }),
});

const vlan = object({
  addresses: array(string(cidr)),
  cidr: deprecated(string(cidr), 'addresses'),
  routes: array(route),
  dhcp: bool(),
  vlanId: int({ min: 1, max: 4094 }),
  mtu: int({ min: 0 }),
  vip,
  dhcpOptions,
});

export const networkDevice = object({
  interface: string(),
  deviceSelector,
  addresses: array(string(cidr)),
  cidr: deprecated(string(cidr), 'addresses'),
  routes: array(route),
  bond,
  bridge,
  bridgePort: object({ master: string() }),
  vlans: array(vlan),
  mtu: int({ min: 0, max: 65535 }),
  dhcp: bool(),
  ignore: bool(),
  dummy: bool(),
  dhcpOptions,
  wireguard,
  vip,
});

const kubespan = object({
  enabled: bool(),
  advertiseKubernetesNetworks: bool(),
  allowDownPeerBypass: bool(),
  harvestExtraEndpoints: bool(),
  mtu: int({ min: 1280 }),
  filters: object({ endpoints: array(string()), excludeAdvertisedNetworks: array(string()) }),
});

export const machineNetwork = object({
  hostname: deprecated(string(all(dnsName)), 'HostnameConfig'),
  interfaces: deprecated(array(networkDevice), 'LinkConfig and the other link documents'),
  nameservers: deprecated(array(string(ip)), 'ResolverConfig'),
  searchDomains: deprecated(array(string(dnsName)), 'ResolverConfig'),
  extraHostEntries: deprecated(array(object({ ip: string(ip), aliases: array(string()) })), 'StaticHostConfig'),
  kubespan: deprecated(kubespan, 'KubeSpanConfig'),
  disableSearchDomain: deprecated(bool(), 'ResolverConfig'),
});
