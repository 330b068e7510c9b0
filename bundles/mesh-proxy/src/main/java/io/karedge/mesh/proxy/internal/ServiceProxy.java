package io.karedge.mesh.proxy.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The running side of one Service: its address and one relay per TCP port ({@link PortListener}) and per
 * UDP port ({@link UdpPortListener}). Changed by the control thread only; read by status calls from any
 * thread.
 */
final class ServiceProxy implements AutoCloseable {

    private final InetAddress address;
    private final Map<String, PortRelay> listeners = new LinkedHashMap<>();
    private volatile ServicePlan plan;

    ServiceProxy(InetAddress address, ServicePlan plan) {
        this.address = address;
        this.plan = plan;
    }

    InetAddress address() {
        return address;
    }

    ServicePlan plan() {
        return plan;
    }

    /**
     * Makes the listeners match the plan: new ports are bound, ports that are gone are closed (their
     * connections drain), and existing ports get the new endpoint set for new connections only.
     */
    void apply(ServicePlan next, Transport transport, HealthRegistry health, long connectTimeoutMillis) {
        this.plan = next;
        Map<String, ServicePlan.PortPlan> wanted = new LinkedHashMap<>();
        for (ServicePlan.PortPlan port : next.ports()) {
            if ("TCP".equals(port.protocol()) || "UDP".equals(port.protocol())) {
                wanted.putIfAbsent(key(port), port);
            }
        }
        synchronized (listeners) {
            listeners.entrySet().removeIf(entry -> {
                if (!wanted.containsKey(entry.getKey())) {
                    entry.getValue().close();
                    return true;
                }
                return false;
            });
            for (Map.Entry<String, ServicePlan.PortPlan> entry : wanted.entrySet()) {
                ServicePlan.PortPlan port = entry.getValue();
                PortRelay listener = listeners.get(entry.getKey());
                if (listener == null) {
                    EndpointPool pool = new EndpointPool(next.policy(), port.targets(), health);
                    String name = next.id() + ":" + port.port();
                    listener = "UDP".equals(port.protocol())
                            ? new UdpPortListener(next.namespace(), next.name(), address, port.port(), pool, transport)
                            : new PortListener(next.namespace(), next.name(), address, port.port(), pool, transport,
                                    connectTimeoutMillis);
                    listeners.put(entry.getKey(), listener);
                    listener.bind();
                } else if (!listener.pool().sameAs(next.policy(), port.targets())) {
                    listener.pool(new EndpointPool(next.policy(), port.targets(), health));
                }
            }
        }
    }

    /** Binds the listeners that could not be bound before. */
    void retryBinds() {
        for (PortRelay listener : listeners()) {
            if (!listener.listening()) {
                listener.bind();
            }
        }
    }

    List<PortRelay> listeners() {
        synchronized (listeners) {
            return new ArrayList<>(listeners.values());
        }
    }

    PortRelay listener(ServicePlan.PortPlan port) {
        synchronized (listeners) {
            return listeners.get(key(port));
        }
    }

    private static String key(ServicePlan.PortPlan port) {
        return port.protocol() + "/" + port.port();
    }

    @Override
    public void close() {
        for (PortRelay listener : listeners()) {
            listener.close();
        }
        synchronized (listeners) {
            listeners.clear();
        }
    }
}
