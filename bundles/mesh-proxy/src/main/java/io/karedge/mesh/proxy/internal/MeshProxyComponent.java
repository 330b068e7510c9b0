package io.karedge.mesh.proxy.internal;

import io.karedge.api.meta.MetaStore;
import io.karedge.api.node.EdgeNode;
import io.karedge.api.node.NodeAnnotationContributor;
import io.karedge.mesh.DnsStatus;
import io.karedge.mesh.MeshPeer;
import io.karedge.mesh.MeshService;
import io.karedge.mesh.MeshStatus;
import io.karedge.mesh.Resolution;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The mesh proxy as a DS component. A configuration change restarts it: listeners and DNS are rebuilt
 * from the MetaStore (connections open at that moment are closed). While the tunnel listens, a
 * {@link NodeAnnotationContributor} with its port is registered, so that the cloud bridge publishes it on the
 * node's Node; it is unregistered when the tunnel stops (also when a restart moves or switches off the tunnel).
 */
@Component(service = MeshStatus.class, configurationPid = MeshProxyComponent.PID, immediate = true)
@Designate(ocd = MeshProxyComponent.Config.class)
public final class MeshProxyComponent implements MeshStatus {

    static final String PID = "io.karedge.mesh.proxy";

    @ObjectClassDefinition(name = "Karedge mesh proxy",
            description = "Local listeners for Services, load balancing over their endpoints, and DNS for service names")
    public @interface Config {

        @AttributeDefinition(description = "Loopback range the Service addresses are taken from (inside 127.0.0.0/8, prefix 8..30)")
        String address_range() default MeshSettings.DEFAULT_RANGE;

        @AttributeDefinition(description = "Longest a connect to one endpoint may take (ms) before the next endpoint is tried and this one ejected",
                min = "10")
        long connect_timeout_ms() default 1000;

        @AttributeDefinition(description = "How long an endpoint is ejected after its first failed connect (ms); doubles with each further failure",
                min = "10")
        long eject_base_ms() default 5000;

        @AttributeDefinition(description = "Longest ejection (ms)", min = "10")
        long eject_max_ms() default 60000;

        @AttributeDefinition(description = "Event-loop threads (0: one per core)", min = "0")
        int io_threads() default 0;

        @AttributeDefinition(description = "Use native epoll when available (else NIO). Off by default: with"
                + " Netty 4.2.17 a half-closed, backpressured client can lose the end of a large answer on epoll")
        boolean native_transport() default false;

        @AttributeDefinition(description = "Experimental: with epoll, relay bytes with splice(2) inside the kernel instead of copying them through the JVM")
        boolean splice() default false;

        @AttributeDefinition(description = "Data path of Services whose endpoints are all on loopback: off (the proxy"
                + " relays every connection) or nftables (the kernel forwards them by NAT, at the speed of a direct"
                + " connection; needs the nft command and CAP_NET_ADMIN, falls back to the proxy without them;"
                + " endpoints are probed actively, and a failed connect is not retried on another endpoint)")
        String kernel_datapath() default "off";

        @AttributeDefinition(description = "The nft command of the kernel data path")
        String kernel_nft_command() default "nft";

        @AttributeDefinition(description = "The nftables table (family ip) the kernel data path owns; removed when the mesh stops")
        String kernel_table() default KernelSettings.DEFAULT_TABLE;

        @AttributeDefinition(description = "Interval of the TCP-connect probes of kernel-forwarded endpoints (ms); a"
                + " failing endpoint leaves the rules within about one interval", min = "50")
        long kernel_probe_interval_ms() default 500;

        @AttributeDefinition(description = "Run the DNS responder")
        boolean dns_enabled() default true;

        @AttributeDefinition(description = "Address the DNS responder binds (UDP)")
        String dns_address() default "127.0.0.1";

        @AttributeDefinition(description = "Port the DNS responder binds (UDP); 53 needs CAP_NET_BIND_SERVICE", min = "0",
                max = "65535")
        int dns_port() default 10053;

        @AttributeDefinition(description = "Cluster domain")
        String dns_domain() default "cluster.local";

        @AttributeDefinition(description = "Namespace of short names (<service> and <service>.<namespace> lookups fall back to forwarding)")
        String dns_default_namespace() default "default";

        @AttributeDefinition(description = "TTL of the A records the mesh answers (s)", min = "0")
        int dns_ttl() default 5;

        @AttributeDefinition(description = "Forward names outside the mesh upstream (else REFUSED)")
        boolean dns_forward() default true;

        @AttributeDefinition(description = "Upstream resolvers, ip[:port] separated by commas; empty: the nameservers of /etc/resolv.conf")
        String dns_upstream() default "";

        @AttributeDefinition(description = "How long a forwarded query waits for the upstream (ms)", min = "50")
        long dns_upstream_timeout_ms() default 2000;

        @AttributeDefinition(description = "Pause before listing and watching again after a watch closed (ms)", min = "10")
        long watch_retry_ms() default 1000;

        @AttributeDefinition(description = "Interval at which listeners and DNS that could not bind are retried (ms)", min = "100")
        long bind_retry_ms() default 5000;

        @AttributeDefinition(description = "TCP port of the node-to-node tunnel (mutual TLS with the node certificate);"
                + " 0 switches the tunnel off and endpoints of other nodes are dialled directly", min = "0", max = "65535")
        int tunnel_port() default 0;

        @AttributeDefinition(description = "Address the tunnel listener binds; on the wildcard the node publishes every"
                + " address of its interfaces for peers to dial, on one routable address that address")
        String tunnel_address() default "0.0.0.0";

        @AttributeDefinition(description = "Static tunnel peers: node=host[:port], separated by commas (the port"
                + " defaults to tunnel.port); used besides the addresses of Node objects")
        String tunnel_peers() default "";

        @AttributeDefinition(description = "PEM file of the CA peer certificates must be signed by; empty: the"
                + " cluster CA the cloud bridge stored at join (<data dir>/cloud/ca.crt)")
        String tunnel_ca() default "";

        @AttributeDefinition(description = "PEM file of this node's certificate (CN=system:node:<node> or CN=<node>);"
                + " empty: the one CloudCore issued (<data dir>/cloud/edge.crt)")
        String tunnel_cert() default "";

        @AttributeDefinition(description = "PEM file of this node's private key (PKCS#8 or EC); empty:"
                + " <data dir>/cloud/edge.key")
        String tunnel_key() default "";

        @AttributeDefinition(description = "Forward streams between two peers that both keep a tunnel to this node"
                + " (this node serves as a relay, like EdgeMesh's relay nodes)")
        boolean tunnel_relay() default false;

        @AttributeDefinition(description = "Relay nodes, in order, through which a node that cannot be reached directly"
                + " is reached (their addresses come from tunnel.peers or their Node objects); direct paths are"
                + " preferred and retried in the background")
        String tunnel_relay_nodes() default "";

        @AttributeDefinition(description = "TLS engine of the tunnel: auto (OpenSSL through netty-tcnative when its"
                + " native library loads, else the JDK's) or jdk (always the JDK's)")
        String tunnel_tls() default "auto";

        @AttributeDefinition(description = "Send new connections to this node's healthy endpoints while there are"
                + " any (as trafficDistribution: PreferClose); other nodes' endpoints only when none is left")
        boolean prefer_local() default false;
    }

    private final MeshProxy proxy;
    private final Consumer<TunnelAnnotations> publisher;

    @Activate
    public MeshProxyComponent(@Reference MetaStore store, @Reference EdgeNode node, Config config, BundleContext context) {
        this(store, node, config, new Registrar(context));
    }

    /** Outside OSGi (the benchmarks): the tunnel's port is published nowhere. */
    public MeshProxyComponent(MetaStore store, EdgeNode node, Config config) {
        this(store, node, config, published -> { });
    }

    private MeshProxyComponent(MetaStore store, EdgeNode node, Config config, Consumer<TunnelAnnotations> publisher) {
        this(store, node.nodeName(), MeshSettings.of(config), KernelSettings.of(config),
                TunnelSettings.of(config, node.dataDirectory()),
                node.dataDirectory().resolve("mesh-proxy").resolve("addresses.properties"), Path.of("/etc/resolv.conf"),
                publisher);
    }

    MeshProxyComponent(MetaStore store, String nodeName, MeshSettings settings, KernelSettings kernel,
                       Path addressFile, Path resolvConf) {
        this(store, nodeName, settings, kernel, TunnelSettings.off(), addressFile, resolvConf);
    }

    MeshProxyComponent(MetaStore store, String nodeName, MeshSettings settings, KernelSettings kernel,
                       TunnelSettings tunnel, Path addressFile, Path resolvConf) {
        this(store, nodeName, settings, kernel, tunnel, addressFile, resolvConf, published -> { });
    }

    /** @param publisher told what to publish on the node's Node while the tunnel listens (null: nothing) */
    MeshProxyComponent(MetaStore store, String nodeName, MeshSettings settings, KernelSettings kernel,
                       TunnelSettings tunnel, Path addressFile, Path resolvConf, Consumer<TunnelAnnotations> publisher) {
        this.publisher = publisher;
        this.proxy = new MeshProxy(store, nodeName, settings, kernel, tunnel, addressFile, resolvConf, publisher);
        proxy.start();
    }

    @Deactivate
    void deactivate() {
        proxy.close();
        publisher.accept(null);
    }

    /** Keeps at most one registration of what the tunnel publishes: the latest. */
    private static final class Registrar implements Consumer<TunnelAnnotations> {

        private final BundleContext context;
        private ServiceRegistration<NodeAnnotationContributor> registration;

        Registrar(BundleContext context) {
            this.context = context;
        }

        @Override
        public synchronized void accept(TunnelAnnotations published) {
            if (registration != null) {
                try {
                    registration.unregister();
                } catch (IllegalStateException e) {
                    // already gone with the bundle
                }
                registration = null;
            }
            if (published != null) {
                registration = context.registerService(NodeAnnotationContributor.class, published, null);
            }
        }
    }

    MeshProxy proxy() {
        return proxy;
    }

    @Override
    public List<MeshService> services() {
        return proxy.services();
    }

    @Override
    public Resolution resolve(String name) {
        return proxy.resolve(name);
    }

    @Override
    public DnsStatus dns() {
        return proxy.dnsStatus();
    }

    @Override
    public List<MeshPeer> peers() {
        return proxy.peers();
    }
}
