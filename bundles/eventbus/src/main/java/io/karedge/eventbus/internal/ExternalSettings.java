package io.karedge.eventbus.internal;

import java.util.List;

/**
 * How to reach the external broker.
 *
 * @param url          {@code tcp://host:port} or {@code ssl://host:port}
 * @param clientId     the MQTT client id
 * @param username     empty for none
 * @param password     empty for none
 * @param caFile       PEM CA certificate(s) to trust, empty for the JVM's trust store
 * @param certFile     PEM client certificate for mutual TLS, empty for none
 * @param keyFile      PEM PKCS#8 private key of the client certificate
 * @param cleanSession false keeps the broker-side session while the bus is away, so the broker redelivers
 *                     what was not acknowledged
 * @param filters      the topic filters to subscribe (QoS 1)
 */
public record ExternalSettings(String url, String clientId, String username, String password, String caFile,
                               String certFile, String keyFile, boolean cleanSession, List<String> filters) {

    public ExternalSettings {
        if (url == null || !(url.startsWith("tcp://") || url.startsWith("ssl://"))) {
            throw new IllegalArgumentException("external.url must start with tcp:// or ssl://, not '" + url + "'");
        }
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("client.id must not be empty");
        }
        filters = List.copyOf(filters);
    }

    boolean tls() {
        return url.startsWith("ssl://");
    }
}
