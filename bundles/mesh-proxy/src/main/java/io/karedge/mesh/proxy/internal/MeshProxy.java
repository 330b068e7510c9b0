package io.karedge.mesh.proxy.internal;

import io.karedge.api.meta.MetaStoreInformer;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.StoredObject;
import io.karedge.mesh.DnsStatus;
import io.karedge.mesh.MeshEndpoint;
import io.karedge.mesh.MeshPeer;
import io.karedge.mesh.proxy.internal.tunnel.PeerStatus;
import io.karedge.mesh.MeshPort;
import io.karedge.mesh.MeshService;
import io.karedge.mesh.Resolution;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh proxy without OSGi: watches Services, Endpoints, DestinationRules and Pods, keeps one
 * {@link ServiceProxy} per proxied Service, and runs the DNS responder.
 *
 * <p>Threads: store callbacks only enqueue onto one control thread ({@code karedge-mesh-control}), which
 * owns the {@link ServiceCatalog} and reconciles (coalesced: many changes, one pass). Traffic runs on the
 * {@link Transport}'s event loops. Status calls read volatile snapshots from any thread.
 */
final class MeshProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MeshProxy.class);
    static final List<String> WATCHED = List.of(Kinds.SERVICE, Kinds.ENDPOINTS, ServiceCatalog.DESTINATION_RULE,
            Kinds.POD);

    private final MeshSettings settings;
    private final ServiceCatalog catalog;
    private final AddressAllocator allocator;
    private final HealthRegistry health;
    private final Transport transport;
    private final ScheduledExecutorService control;
    private final Map<String, ServiceProxy> running = new ConcurrentHashMap<>();
    private final AtomicBoolean reconcileQueued = new AtomicBoolean();
    private final DnsCounters dnsCounters = new DnsCounters();
    private final MeshNames names;
    private final DnsResponder dns;
    private final List<MetaStoreInformer> watchers = new ArrayList<>();
    private final KernelSettings kernel;
    private final EndpointProber prober;
    private ScheduledExecutorService probing;
    private volatile NftablesPath nftables;
    private volatile Set<String> kernelForwarded = Set.of();
    private volatile List<Target> kernelTargets = List.of();
    private volatile boolean closed;
    private final Routing routing;
    private final MeshTunnel tunnel;
    private final TunnelPublication publication;

    /**
     * @param addressFile where Service addresses are kept across restarts (null: memory only)
     * @param resolvConf  the file upstream resolvers are read from when none are configured
     */
    MeshProxy(MetaStore store, String nodeName, MeshSettings settings, Path addressFile, Path resolvConf) {
        this(store, nodeName, settings, KernelSettings.off(), addressFile, resolvConf);
    }

    /**
     * @param kernel the kernel data path: when enabled (and {@code nft} works here), Service ports whose
     *               endpoints are all on loopback are forwarded by nftables NAT instead of the relay
     */
    MeshProxy(MetaStore store, String nodeName, MeshSettings settings, KernelSettings kernel, Path addressFile,
              Path resolvConf) {
        this(store, nodeName, settings, kernel, TunnelSettings.off(), addressFile, resolvConf);
    }

    /**
     * @param tunnelSettings the node-to-node tunnel: when on, endpoints of other nodes are reached through
     *                       their tunnels and peers may reach this node's endpoints through this one
     */
    MeshProxy(MetaStore store, String nodeName, MeshSettings settings, KernelSettings kernel,
              TunnelSettings tunnelSettings, Path addressFile, Path resolvConf) {
        this(store, nodeName, settings, kernel, tunnelSettings, addressFile, resolvConf, published -> { });
    }

    /**
     * @param publish told what to publish on this node's Node once the tunnel listens ({@link TunnelAnnotations}),
     *                and {@code null} when it stops
     */
    MeshProxy(MetaStore store, String nodeName, MeshSettings settings, KernelSettings kernel,
              TunnelSettings tunnelSettings, Path addressFile, Path resolvConf, Consumer<TunnelAnnotations> publish) {
        this.settings = settings;
        this.kernel = kernel;
        this.catalog = new ServiceCatalog(nodeName);
        this.allocator = new AddressAllocator(settings.addressRange(), addressFile);
        this.routing = new Routing(nodeName, tunnelSettings.preferLocal());
        this.health = new HealthRegistry(settings.ejectBaseMillis(), settings.ejectMaxMillis(), routing);
        this.names = new MeshNames(settings.clusterDomain(), settings.defaultNamespace(), this::addressOf);
        this.dns = settings.dnsEnabled() ? newResponder(resolvConf) : null;
        this.transport = Transport.create(settings.nativeTransport(), settings.ioThreads(), settings.splice());
        this.prober = new EndpointProber(health, Math.min(settings.connectTimeoutMillis(), kernel.probeIntervalMillis()));
        this.control = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("karedge-mesh-control", true));
        this.publication = tunnelSettings.enabled()
                ? new TunnelPublication(publish, () -> HostAddresses.current(HostAddresses.ipv6Sockets())) : null;
        this.tunnel = tunnelSettings.enabled()
                ? new MeshTunnel(tunnelSettings, nodeName, transport, routing, () -> { }, publication) : null;
        List<String> kinds = new ArrayList<>(WATCHED);
        if (tunnel != null) {
            kinds.add(Kinds.NODE);
        }
        for (String kind : kinds) {
            watchers.add(new MetaStoreInformer(store, kind, this::changed, this::deleted, control,
                    settings.watchRetryMillis()));
        }
    }

    private DnsResponder newResponder(Path resolvConf) {
        InetSocketAddress address = DnsResponder.address(settings.dnsAddress(), settings.dnsPort());
        DnsForwarder forwarder = null;
        if (settings.dnsForward()) {
            List<InetSocketAddress> upstreams = settings.upstreams().isEmpty()
                    ? ResolvConf.nameservers(resolvConf) : ResolvConf.parseAll(settings.upstreams());
            upstreams = upstreams.stream().filter(upstream -> !upstream.equals(address)).toList();
            if (upstreams.isEmpty()) {
                LOG.warn("DNS forwarding is on but there is no upstream (dns.upstream empty, none in {}); "
                        + "names outside the mesh are refused", resolvConf);
            } else {
                forwarder = new DnsForwarder(upstreams, settings.upstreamTimeoutMillis(), dnsCounters);
            }
        }
        return new DnsResponder(address, names, settings.dnsTtl(), forwarder, dnsCounters);
    }

    /** Binds DNS, lists and watches; listeners are bound by the first reconcile, right after. */
    void start() {
        if (dns != null) {
            control.execute(() -> dns.bind(transport));
        }
        for (MetaStoreInformer watcher : watchers) {
            watcher.start();
        }
        if (kernel.enabled()) {
            control.execute(() -> nftables = NftablesPath.open(kernel.command(), kernel.table()));
            probing = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("karedge-mesh-probe", true));
            probing.scheduleWithFixedDelay(this::probeKernelEndpoints, kernel.probeIntervalMillis(),
                    kernel.probeIntervalMillis(), TimeUnit.MILLISECONDS);
        }
        if (tunnel != null) {
            control.execute(() -> {
                tunnel.ensureStarted();
                scheduleReconcile();
            });
        }
        scheduleReconcile();
        control.scheduleWithFixedDelay(this::retryBinds, settings.bindRetryMillis(), settings.bindRetryMillis(),
                TimeUnit.MILLISECONDS);
        if (publication != null) {
            control.scheduleWithFixedDelay(this::republish, TunnelSettings.ADDRESS_CHECK_MILLIS,
                    TunnelSettings.ADDRESS_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
        LOG.info("Mesh proxy started: addresses from {}, {} transport, DNS {}", settings.addressRange(),
                transport.splice() ? "epoll (splice)" : transport.isEpoll() ? "epoll" : "NIO",
                dns == null ? "off" : settings.dnsAddress() + ":" + settings.dnsPort());
    }

    private void changed(StoredObject object) {
        ObjectKey key = object.key();
        var content = object.object();
        submit(() -> {
            catalog.put(key, content);
            scheduleReconcile();
        });
    }

    private void deleted(ObjectKey key) {
        submit(() -> {
            catalog.remove(key);
            scheduleReconcile();
        });
    }

    private void submit(Runnable task) {
        if (closed) {
            return;
        }
        try {
            control.execute(task);
        } catch (RuntimeException e) {
            LOG.debug("Mesh proxy stopping; change dropped");
        }
    }

    private void scheduleReconcile() {
        if (reconcileQueued.compareAndSet(false, true)) {
            submit(() -> {
                reconcileQueued.set(false);
                reconcile();
            });
        }
    }

    private void reconcile() {
        if (closed) {
            return;
        }
        List<ServicePlan> plans = catalog.plans();
        Set<String> wanted = new HashSet<>();
        Set<String> endpointIds = new HashSet<>();
        for (ServicePlan plan : plans) {
            wanted.add(plan.id());
            plan.ports().forEach(port -> port.targets().forEach(target -> endpointIds.add(target.id())));
            try {
                ServiceProxy proxy = running.get(plan.id());
                if (proxy == null) {
                    proxy = new ServiceProxy(allocator.allocate(plan.id()), plan);
                    running.put(plan.id(), proxy);
                    LOG.info("Service {} proxied on {} ({})", plan.id(), proxy.address().getHostAddress(),
                            plan.policy());
                }
                proxy.apply(plan, transport, health, settings.connectTimeoutMillis());
            } catch (RuntimeException e) {
                LOG.warn("Service {} cannot be proxied: {}", plan.id(), e.toString());
            }
        }
        for (String id : List.copyOf(running.keySet())) {
            if (!wanted.contains(id)) {
                ServiceProxy proxy = running.remove(id);
                proxy.close();
                allocator.release(id);
                LOG.info("Service {} no longer proxied; open connections drain", id);
            }
        }
        health.retain(endpointIds);
        allocator.flush();
        if (tunnel != null) {
            tunnel.update(catalog, plans);
        }
        applyKernelRoutes();
    }

    // ---- kernel data path ----

    /**
     * Forwards in the kernel every TCP Service port whose endpoints are all on loopback, over its healthy
     * endpoints; a port with no healthy endpoint, or any endpoint off this host, stays with the relay.
     */
    private void applyKernelRoutes() {
        if (nftables == null || closed) {
            return;
        }
        long now = System.nanoTime();
        List<KernelRoute> routes = new ArrayList<>();
        List<Target> probed = new ArrayList<>();
        Set<String> forwarded = new HashSet<>();
        for (ServiceProxy proxy : new TreeMap<>(running).values()) {
            for (ServicePlan.PortPlan port : proxy.plan().ports()) {
                if (!"TCP".equals(port.protocol()) || port.targets().isEmpty()
                        || !port.targets().stream().allMatch(t -> t.socketAddress().getAddress().isLoopbackAddress())) {
                    continue;
                }
                probed.addAll(port.targets());
                List<Target> healthy = port.targets().stream().filter(t -> health.of(t).available(now)).toList();
                if (!healthy.isEmpty()) {
                    routes.add(new KernelRoute(proxy.address(), port.port(), proxy.plan().policy(), healthy));
                    forwarded.add(kernelKey(proxy.address(), port.port()));
                }
            }
        }
        kernelTargets = List.copyOf(probed);
        kernelForwarded = nftables.apply(routes) ? Set.copyOf(forwarded) : Set.of();
    }

    private void probeKernelEndpoints() {
        if (closed) {
            return;
        }
        try {
            prober.probe(kernelTargets.stream().distinct().toList());
        } catch (RuntimeException e) {
            LOG.warn("Endpoint probe failed: {}", e.toString());
        }
        submit(this::applyKernelRoutes);
    }

    private static String kernelKey(InetAddress address, int port) {
        return address.getHostAddress() + ":" + port;
    }

    /** The host's addresses may have changed under a tunnel on the wildcard: published again if they did. */
    private void republish() {
        if (closed) {
            return;
        }
        try {
            publication.refresh();
        } catch (RuntimeException e) {
            LOG.warn("Tunnel addresses not checked: {}", e.toString());
        }
    }

    private void retryBinds() {
        if (closed) {
            return;
        }
        running.values().forEach(ServiceProxy::retryBinds);
        if (tunnel != null && tunnel.error() != null) {
            tunnel.ensureStarted();
            if (tunnel.error() == null) {
                scheduleReconcile();
            }
        }
        if (dns != null && !dns.listening()) {
            dns.bind(transport);
        }
    }

    private InetAddress addressOf(String namespace, String name) {
        ServiceProxy proxy = running.get(ServicePlan.id(namespace, name));
        return proxy == null ? null : proxy.address();
    }

    // ---- status ----

    List<MeshService> services() {
        Map<String, ServiceProxy> sorted = new TreeMap<>(running);
        List<MeshService> services = new ArrayList<>();
        long nowNanos = System.nanoTime();
        Instant now = Instant.now();
        for (ServiceProxy proxy : sorted.values()) {
            ServicePlan plan = proxy.plan();
            List<MeshPort> ports = new ArrayList<>();
            for (ServicePlan.PortPlan port : plan.ports()) {
                PortRelay listener = proxy.listener(port);
                List<MeshEndpoint> endpoints = new ArrayList<>();
                for (Target target : port.targets()) {
                    EndpointHealth state = health.of(target);
                    boolean healthy = state.available(nowNanos) && routing.usable(target);
                    Instant until = healthy ? null : now.plusNanos(Math.max(0, state.ejectedUntil() - nowNanos));
                    endpoints.add(new MeshEndpoint(target.ip(), target.port(), target.source(), healthy, until,
                            state.failures(), state.openConnections(), state.totalConnections()));
                }
                String dataPath = "TCP".equals(port.protocol())
                        && kernelForwarded.contains(kernelKey(proxy.address(), port.port()))
                        ? MeshPort.KERNEL : MeshPort.PROXY;
                if (listener == null) {
                    ports.add(new MeshPort(port.name(), port.protocol(), port.port(), false,
                            port.protocol() + " is not proxied (TCP and UDP only)", 0, endpoints));
                } else {
                    ports.add(new MeshPort(port.name(), port.protocol(), port.port(), listener.listening(),
                            listener.error(), listener.connections(), endpoints, dataPath, listener.bytesIn(),
                            listener.bytesOut()));
                }
            }
            services.add(new MeshService(plan.namespace(), plan.name(), proxy.address().getHostAddress(),
                    plan.policy().name(), plan.policySource(), ports));
        }
        return services;
    }

    Resolution resolve(String name) {
        MeshNames.Answer answer = names.resolve(name);
        boolean found = answer.outcome() == MeshNames.Outcome.FOUND;
        String detail = switch (answer.outcome()) {
            case FOUND -> answer.detail();
            case NXDOMAIN -> "NXDOMAIN: " + answer.detail();
            case NOT_OURS -> "not a mesh name; DNS would forward it upstream (" + answer.detail() + ")";
        };
        return new Resolution(answer.name(), found, found ? answer.address().getHostAddress() : "",
                answer.namespace(), answer.service(), detail);
    }

    DnsStatus dnsStatus() {
        if (dns == null) {
            return new DnsStatus(false, settings.dnsAddress() + ":" + settings.dnsPort(), false, "disabled",
                    List.of(), 0, 0, 0, 0, 0, 0, 0);
        }
        DnsCounters c = dnsCounters;
        return new DnsStatus(true, dns.hostPort(), dns.listening(), dns.error(), upstreamNames(),
                c.queries.get(), c.answered.get(), c.nxdomain.get(), c.forwarded.get(), c.refused.get(),
                c.upstreamFailures.get(), c.malformed.get());
    }

    private List<String> upstreamNames() {
        return dnsForwarderUpstreams().stream()
                .map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()).toList();
    }

    private List<InetSocketAddress> dnsForwarderUpstreams() {
        return dns == null || dns.forwarder() == null ? List.of() : dns.forwarder().upstreams();
    }

    /** @return the DNS responder's bound address, or null when DNS is off */
    InetSocketAddress dnsAddress() {
        return dns == null ? null : dns.localAddress();
    }

    /** @return the tunnel's peers, ordered by node name (empty when the tunnel is off or not started) */
    List<MeshPeer> peers() {
        if (tunnel == null) {
            return List.of();
        }
        List<MeshPeer> peers = new ArrayList<>();
        for (PeerStatus peer : tunnel.peers()) {
            peers.add(new MeshPeer(peer.node(), peer.connected(), peer.path(),
                    peer.rttNanos() < 0 ? -1 : peer.rttNanos() / 1000, peer.streams(), peer.bytesIn(), peer.bytesOut(),
                    peer.error()));
        }
        return peers;
    }

    /** @return the tunnel, or null when it is off */
    MeshTunnel tunnel() {
        return tunnel;
    }

    boolean isEpoll() {
        return transport.isEpoll();
    }

    boolean isSplicing() {
        return transport.splice();
    }

    /** @return whether the kernel data path is on (nft works here and was asked for) */
    boolean isKernelPath() {
        return nftables != null;
    }

    @Override
    public void close() {
        closed = true;
        watchers.forEach(MetaStoreInformer::close);
        if (probing != null) {
            probing.shutdownNow();
        }
        control.shutdownNow();
        try {
            control.awaitTermination(5, TimeUnit.SECONDS);
            if (probing != null) {
                probing.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (nftables != null) {
            nftables.remove();
            kernelForwarded = Set.of();
        }
        if (tunnel != null) {
            tunnel.close();
        }
        running.values().forEach(ServiceProxy::close);
        running.clear();
        allocator.flush();
        if (dns != null) {
            dns.close();
        }
        transport.close();
        LOG.info("Mesh proxy stopped");
    }
}
