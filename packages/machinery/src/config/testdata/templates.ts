// The text of the fixture configs, laid out the way talosctl writes them: four-space indents,
// a comment on each field, commented-out examples, base64 PEM blocks. Comments are our own words.

export interface FixtureSecrets {
  readonly os: { crt: string; key: string };
  readonly k8s: { crt: string; key: string };
  readonly aggregator: { crt: string; key: string };
  readonly etcd: { crt: string; key: string };
  readonly serviceAccount: string;
  readonly machineToken: string;
  readonly clusterToken: string;
  readonly clusterId: string;
  readonly clusterSecret: string;
  readonly secretbox: string;
}

const k8sVersion = 'v1.34.1';

function quoteEmpty(v: string): string {
  return v === '' ? '""' : v;
}

function machineHead(type: string, s: FixtureSecrets, osKey: string): string {
  return `version: v1alpha1 # The schema of this document.
debug: false # Verbose logs on the console.
persist: true # Keep the config on disk.
# Settings of this machine.
machine:
    type: ${type} # The role of the machine: controlplane or worker.
    token: ${s.machineToken} # Joins this machine to the PKI of the cluster (trustd).
    # The OS certificate authority.
    ca:
        crt: ${s.os.crt}
        key: ${quoteEmpty(osKey)}
    # Extra subject alternative names for the certificate of the machine.
    certSANs: []
    #   # Uncomment to add names.
    #   - 10.0.0.10
    #   - node1.example.com

    # Settings of the kubelet.
    kubelet:
        image: ghcr.io/siderolabs/kubelet:${k8sVersion} # The kubelet image.
        defaultRuntimeSeccompProfileEnabled: true # Apply the runtime's default seccomp profile.
        disableManifestsDirectory: true # Ignore static pod manifests on disk.

        # # Extra flags for the kubelet.
        # extraArgs:
        #     feature-gates: ServerSideApply=true
    # Network settings of the machine.
    network: {}
    # # Network interfaces.
    # interfaces:
    #     - interface: enp0s1 # The name of the link.
    #       addresses:
    #         - 192.168.2.0/24
    #       routes:
    #         - network: 0.0.0.0/0 # Destination.
    #           gateway: 192.168.2.1 # Next hop.

    # Installation settings.
    install:
        disk: /dev/sda # Where the OS is installed.
        image: ghcr.io/siderolabs/installer:v1.11.3 # The installer image.
        wipe: false # Wipe the disk first.

        # # Pick the disk by its attributes instead.
        # diskSelector:
        #     size: 4GB # Size of the disk.
        #     model: WDC* # Model of the disk.
    # Registry mirrors and settings.
    registries: {}
    # Features that can be switched on or off.
    features:
        rbac: true # Role-based access control on the API.
        stableHostname: true # A hostname that survives reboots.
        apidCheckExtKeyUsage: true # Check the extended key usage of client certificates.
        diskQuotaSupport: true # Project quotas on the EPHEMERAL partition.
        # A local load balancer in front of the Kubernetes API.
        kubePrism:
            enabled: true # Turn it on.
            port: 7445 # Its port.
        # A caching DNS resolver on the host.
        hostDNS:
            enabled: true # Turn it on.
            forwardKubeDNSToHost: true # Send cluster DNS upstream queries to it.
`;
}

function clusterHead(s: FixtureSecrets, caKey: string): string {
  return `# Settings shared by every machine of the cluster.
cluster:
    id: ${s.clusterId} # Identity of the cluster for discovery.
    secret: ${s.clusterSecret} # Secret shared by members for discovery.
    # Where the control plane answers.
    controlPlane:
        endpoint: https://10.5.0.2:6443 # The Kubernetes API endpoint.
    clusterName: bronze # Name of the cluster.
    # Network settings of the cluster.
    network:
        dnsDomain: cluster.local # The DNS domain of services.
        # Pod addresses.
        podSubnets:
            - 10.244.0.0/16
        # Service addresses.
        serviceSubnets:
            - 10.96.0.0/12

        # # The CNI to deploy.
        # cni:
        #     name: custom # flannel, custom or none.
        #     urls:
        #         - https://example.com/cni.yaml
    token: ${s.clusterToken} # Bootstrap token used to join nodes.
    # The Kubernetes certificate authority.
    ca:
        crt: ${s.k8s.crt}
        key: ${quoteEmpty(caKey)}
`;
}

const discovery = `    # Discovery of cluster members.
    discovery:
        enabled: true # Turn discovery on.
        # Where members are registered.
        registries:
            # Kubernetes registry (node annotations).
            kubernetes:
                disabled: true # Off.
            # The discovery service.
            service: {}
`;

const hostnameDoc = `---
apiVersion: v1alpha1
kind: HostnameConfig
auto: stable # Derive a stable hostname from the machine identity.
`;

export function controlPlaneTemplate(s: FixtureSecrets): string {
  return `${machineHead('controlplane', s, s.os.key)}    # Labels of the Kubernetes node.
    nodeLabels:
        node.kubernetes.io/exclude-from-external-load-balancers: ""
${clusterHead(s, s.k8s.key)}    secretboxEncryptionSecret: ${s.secretbox} # Encrypts Kubernetes secrets at rest.
    # The front-proxy (aggregation layer) certificate authority.
    aggregatorCA:
        crt: ${s.aggregator.crt}
        key: ${s.aggregator.key}
    # Signs service account tokens.
    serviceAccount:
        key: ${s.serviceAccount}
    # Settings of the API server.
    apiServer:
        image: registry.k8s.io/kube-apiserver:${k8sVersion} # The image.
        # Extra names for its certificate.
        certSANs:
            - 10.5.0.2
        disablePodSecurityPolicy: true # No PodSecurityPolicy.
        # Admission plugins.
        admissionControl:
            - name: PodSecurity # Plugin name.
              # Plugin configuration.
              configuration:
                apiVersion: pod-security.admission.config.k8s.io/v1alpha1
                defaults:
                    audit: restricted
                    audit-version: latest
                    enforce: baseline
                    enforce-version: latest
                    warn: restricted
                    warn-version: latest
                exemptions:
                    namespaces:
                        - kube-system
                    runtimeClasses: []
                    usernames: []
                kind: PodSecurityConfiguration
        # Audit policy.
        auditPolicy:
            apiVersion: audit.k8s.io/v1
            kind: Policy
            rules:
                - level: Metadata
    # Settings of the controller manager.
    controllerManager:
        image: registry.k8s.io/kube-controller-manager:${k8sVersion} # The image.
    # Settings of kube-proxy.
    proxy:
        image: registry.k8s.io/kube-proxy:${k8sVersion} # The image.
    # Settings of the scheduler.
    scheduler:
        image: registry.k8s.io/kube-scheduler:${k8sVersion} # The image.
${discovery}    # Settings of etcd.
    etcd:
        # The etcd certificate authority.
        ca:
            crt: ${s.etcd.crt}
            key: ${s.etcd.key}

        # # Extra flags for etcd.
        # extraArgs:
        #     election-timeout: "5000"
    extraManifests: [] # Manifests fetched from URLs.
    inlineManifests: [] # Manifests written inline.
${hostnameDoc}`;
}

export function workerTemplate(s: FixtureSecrets): string {
  return `${machineHead('worker', s, '')}${clusterHead(s, '')}${discovery}${hostnameDoc}`;
}
