package io.karedge.mesh.proxy.internal;

import io.karedge.test.support.InMemoryMetaStore;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.ObjectKey;
import io.karedge.mesh.MeshEndpoint;
import io.karedge.mesh.MeshPort;
import io.karedge.mesh.MeshService;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A mesh proxy component on an in-memory MetaStore, with helpers to write Kubernetes objects. */
final class Mesh implements AutoCloseable {

    final InMemoryMetaStore store;
    final MeshSettings settings;
    final Path addressFile;
    final KernelSettings kernel;
    MeshProxyComponent component;

    Mesh(InMemoryMetaStore store, MeshSettings settings, Path addressFile) {
        this(store, settings, KernelSettings.off(), addressFile);
    }

    Mesh(InMemoryMetaStore store, MeshSettings settings, KernelSettings kernel, Path addressFile) {
        this.store = store;
        this.settings = settings;
        this.kernel = kernel;
        this.addressFile = addressFile;
        start();
    }

    void start() {
        component = new MeshProxyComponent(store, "node-1", settings, kernel, addressFile,
                Path.of("/nonexistent/resolv.conf"));
    }

    void stop() {
        component.deactivate();
    }

    static ObjectNode object(String kind, String namespace, String name) {
        ObjectNode object = KaredgeJson.mapper().createObjectNode();
        object.put("kind", kind);
        object.put("apiVersion", "DestinationRule".equals(kind) ? "networking.istio.io/v1alpha3" : "v1");
        object.putObject("metadata").put("namespace", namespace).put("name", name);
        return object;
    }

    void service(String namespace, String name, int port) {
        service(namespace, name, port, "TCP");
    }

    /** A Service with one UDP port named {@code udp}. */
    void udpService(String namespace, String name, int port) {
        service(namespace, name, port, "UDP");
    }

    private void service(String namespace, String name, int port, String protocol) {
        ObjectNode service = object("Service", namespace, name);
        ObjectNode spec = service.putObject("spec");
        spec.putObject("selector").put("app", name);
        spec.putArray("ports").addObject().put("name", protocol.toLowerCase(java.util.Locale.ROOT))
                .put("port", port).put("protocol", protocol);
        store.put(service, "test");
    }

    void endpoints(String namespace, String name, int... ports) {
        endpoints(namespace, name, "TCP", ports);
    }

    /** Endpoints on 127.0.0.1 for a Service with one UDP port named {@code udp}. */
    void udpEndpoints(String namespace, String name, int... ports) {
        endpoints(namespace, name, "UDP", ports);
    }

    private void endpoints(String namespace, String name, String protocol, int... ports) {
        ObjectNode endpoints = object("Endpoints", namespace, name);
        ArrayNode subsets = endpoints.putArray("subsets");
        for (int port : ports) {
            ObjectNode subset = subsets.addObject();
            subset.putArray("addresses").addObject().put("ip", "127.0.0.1");
            subset.putArray("ports").addObject().put("name", protocol.toLowerCase(java.util.Locale.ROOT))
                    .put("port", port).put("protocol", protocol);
        }
        store.put(endpoints, "test");
    }

    void rule(String namespace, String name, String loadBalancerJson) {
        ObjectNode rule = object("DestinationRule", namespace, name);
        try {
            rule.putObject("spec").putObject("trafficPolicy")
                    .set("loadBalancer", KaredgeJson.mapper().readTree(loadBalancerJson));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
        store.put(rule, "test");
    }

    void delete(String kind, String namespace, String name) {
        store.delete(ObjectKey.of(kind, namespace, name));
    }

    Optional<MeshService> service(String namespace, String name) {
        return component.services().stream()
                .filter(s -> s.namespace().equals(namespace) && s.name().equals(name)).findFirst();
    }

    /** @return the service's address once its first port listens */
    Optional<InetAddress> listening(String namespace, String name) {
        return service(namespace, name).filter(s -> s.ports().get(0).listening()).map(s -> {
            try {
                return InetAddress.getByName(s.address());
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    List<MeshEndpoint> endpointsOf(String namespace, String name) {
        return service(namespace, name).map(s -> s.ports().get(0)).map(MeshPort::endpoints).orElse(List.of());
    }

    @Override
    public void close() {
        component.deactivate();
    }
}
