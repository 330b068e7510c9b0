package io.karedge.cloud.bridge.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The checked configuration of the bridge. */
record BridgeSettings(HostPort server, HostPort certServer, String token, String nodeName, String projectId,
                      int keepaliveMillis, int readIdleMillis, int connectTimeoutMillis, int handshakeTimeoutMillis,
                      int backoffInitialMillis, int backoffMaxMillis, int ackTimeoutMillis, int uplinkWindow,
                      int uplinkMaxAttempts, int uplinkQps, int uplinkBurst, int nodeStatusIntervalMillis,
                      int leaseIntervalMillis, Duration queryTimeout, int maxFrameBytes, int maxMessageBytes,
                      boolean rotateCertificates, boolean registerNode, boolean reportLocalDevices,
                      List<String> watchResources) {

    static final int CLOUDHUB_PORT = 10000;
    static final int CERT_PORT = 10002;

    /**
     * @param defaultNodeName the node's own name, used when the configuration names none
     * @throws IllegalArgumentException if the configuration is unusable
     */
    static BridgeSettings from(BridgeConfig config, String defaultNodeName) {
        HostPort server = HostPort.parse(config.server(), CLOUDHUB_PORT);
        HostPort certServer = config.cert_server() == null || config.cert_server().isBlank()
                ? new HostPort(server.host(), CERT_PORT) : HostPort.parse(config.cert_server(), CERT_PORT);
        String nodeName = config.node_name() == null || config.node_name().isBlank()
                ? defaultNodeName : config.node_name().trim();
        if (!nodeName.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") || nodeName.length() > 253) {
            throw new IllegalArgumentException("node name \"" + nodeName + "\" is not a DNS-1123 subdomain");
        }
        int keepalive = config.keepalive_interval_s() * 1000;
        if (keepalive <= 0 || keepalive > 25_000) {
            throw new IllegalArgumentException("keepalive.interval.s must be 1..25 (CloudHub gives up after 30 s)");
        }
        int readIdle = Math.max(config.read_idle_timeout_s() * 1000, 2 * keepalive);
        int backoffInitial = Math.max(10, config.backoff_initial_ms());
        String reportDevices = config.report_devices() == null ? "cloud" : config.report_devices().trim();
        if (!reportDevices.equals("cloud") && !reportDevices.equals("all")) {
            throw new IllegalArgumentException("report.devices must be cloud or all, not \"" + reportDevices + "\"");
        }
        return new BridgeSettings(server, certServer, config.token() == null ? "" : config.token().trim(), nodeName,
                config.project_id(), keepalive, readIdle, config.connect_timeout_ms(), config.handshake_timeout_ms(),
                backoffInitial, Math.max(backoffInitial, config.backoff_max_ms()), config.ack_timeout_ms(),
                Math.max(1, config.uplink_window()), Math.max(1, config.uplink_max_attempts()),
                Math.max(0, config.uplink_qps()), Math.max(1, config.uplink_burst()),
                config.node_status_interval_s() * 1000, config.lease_interval_s() * 1000,
                Duration.ofSeconds(config.query_timeout_s()), config.max_frame_bytes(), config.max_message_bytes(),
                config.rotate_certificates(), config.register_node(), reportDevices.equals("all"),
                watchResources(config.watch_resources()));
    }

    /** @throws IllegalArgumentException for a resource the bridge cannot watch */
    static List<String> watchResources(String value) {
        List<String> resources = new ArrayList<>();
        for (String part : value == null ? new String[0] : value.split(",")) {
            String resource = part.trim();
            if (resource.isEmpty() || resources.contains(resource)) {
                continue;
            }
            if (!CloudWatchFeed.RESOURCES.containsKey(resource)) {
                throw new IllegalArgumentException("watch.resources: \"" + resource + "\" cannot be watched; use "
                        + "services, endpoints, nodes or nothing");
            }
            resources.add(resource);
        }
        return List.copyOf(resources);
    }
}
