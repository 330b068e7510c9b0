package io.karedge.cloud.bridge.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code io.karedge.cloud.bridge}; without it the node runs standalone. */
@ObjectClassDefinition(id = BridgeConfig.PID, name = "Karedge cloud bridge",
        description = "Joins a KubeEdge CloudCore and keeps the CloudHub WebSocket link.")
public @interface BridgeConfig {

    String PID = "io.karedge.cloud.bridge";

    @AttributeDefinition(name = "server", description = "CloudHub WebSocket address, host:port (port 10000 if omitted).")
    String server();

    @AttributeDefinition(name = "cert.server",
            description = "CloudCore certificate service, host:port; empty = the server's host, port 10002.")
    String cert_server() default "";

    @AttributeDefinition(name = "token", type = AttributeType.PASSWORD,
            description = "Join token (keadm gettoken). Needed to join, and again if the certificate expired.")
    String token() default "";

    @AttributeDefinition(name = "node.name", description = "Node name in the cloud; empty = the node's own name.")
    String node_name() default "";

    @AttributeDefinition(name = "project.id", description = "Project id in the WebSocket path and header.")
    String project_id() default "e632aba927ea4ac2b575ec1603d56f10";

    @AttributeDefinition(name = "keepalive.interval.s", min = "1", max = "25",
            description = "Seconds between keepalives (CloudHub gives up after 30 s without one).")
    int keepalive_interval_s() default 15;

    @AttributeDefinition(name = "read.idle.timeout.s", min = "2",
            description = "Seconds without any data from CloudHub (WebSocket pongs included) before reconnecting.")
    int read_idle_timeout_s() default 45;

    @AttributeDefinition(name = "connect.timeout.ms", min = "100", description = "TCP connect timeout.")
    int connect_timeout_ms() default 10_000;

    @AttributeDefinition(name = "handshake.timeout.ms", min = "100",
            description = "Time allowed for the WebSocket upgrade after TLS.")
    int handshake_timeout_ms() default 30_000;

    @AttributeDefinition(name = "backoff.initial.ms", min = "10",
            description = "Reconnect delay ceiling after the first failure; it doubles with each failure in a row.")
    int backoff_initial_ms() default 500;

    @AttributeDefinition(name = "backoff.max.ms", min = "10",
            description = "Longest reconnect delay (each delay is drawn from the upper half of its ceiling).")
    int backoff_max_ms() default 3_000;

    @AttributeDefinition(name = "ack.timeout.ms", min = "100",
            description = "How long an upstream message waits for CloudCore's answer before it is sent again.")
    int ack_timeout_ms() default 10_000;

    @AttributeDefinition(name = "uplink.window", min = "1",
            description = "Upstream messages sent but not yet answered, at most.")
    int uplink_window() default 64;

    @AttributeDefinition(name = "uplink.max.attempts", min = "1",
            description = "Sends of an upstream message that gets no answer before it counts as delivered.")
    int uplink_max_attempts() default 3;

    @AttributeDefinition(name = "uplink.qps", min = "0",
            description = "Upstream messages per second (keepalives and ACKs excluded); 0 = unlimited. EdgeCore: 30.")
    int uplink_qps() default 30;

    @AttributeDefinition(name = "uplink.burst", min = "1", description = "Burst allowed above uplink.qps.")
    int uplink_burst() default 60;

    @AttributeDefinition(name = "node.status.interval.s", min = "1",
            description = "Seconds between node status reports (also sent on change, checked every 10 s).")
    int node_status_interval_s() default 60;

    @AttributeDefinition(name = "lease.interval.s", min = "1", description = "Seconds between lease renewals.")
    int lease_interval_s() default 10;

    @AttributeDefinition(name = "query.timeout.s", min = "1", description = "Timeout of remote queries (configmaps, secrets).")
    int query_timeout_s() default 60;

    @AttributeDefinition(name = "max.frame.bytes", min = "1024", description = "Largest frame accepted from CloudHub.")
    int max_frame_bytes() default 64 * 1024 * 1024;

    @AttributeDefinition(name = "max.message.bytes", min = "1024", description = "Largest message sent to CloudHub.")
    int max_message_bytes() default 8 * 1024 * 1024;

    @AttributeDefinition(name = "rotate.certificates",
            description = "Rotate the edge certificate at a random point between 70 % and 90 % of its lifetime.")
    boolean rotate_certificates() default true;

    @AttributeDefinition(name = "register.node", description = "Register the Node, renew its Lease and report its status.")
    boolean register_node() default true;

    @AttributeDefinition(name = "report.devices",
            description = "Device twin and state reports sent upstream: cloud = only of Devices the cloud sent"
                    + " (CloudCore answers no others), all = of every Device, local ones included.")
    String report_devices() default "cloud";

    @AttributeDefinition(name = "watch.resources",
            description = "Resources the node list-watches in the cloud through CloudCore's DynamicController"
                    + " (comma-separated: services, endpoints, nodes; empty = none), as EdgeCore's MetaServer does.")
    String watch_resources() default "services,endpoints,nodes";
}
