package io.karedge.eventbus.internal;

import java.util.Locale;

/**
 * The checked configuration of the event bus. {@link EventBusComponent.Config} is its Config Admin face;
 * tests and the benchmark build it directly.
 *
 * @param mode         embedded or external
 * @param broker       the embedded broker (used in embedded mode)
 * @param publishQos   QoS of the bus's publications in embedded mode
 * @param legacyTopics accept and publish the v1.15/1.16 single-segment device topics
 * @param external     the external broker (used in external mode)
 * @param access       who may use the embedded broker, and where
 * @param sessions     the embedded broker's persistent sessions
 */
public record BusSettings(Mode mode, BrokerSettings broker, int publishQos, boolean legacyTopics,
                          ExternalSettings external, BrokerAccess access, SessionSettings sessions) {

    /** Where the broker runs. */
    public enum Mode {
        EMBEDDED, EXTERNAL;

        static Mode parse(String value) {
            String lower = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
            return switch (lower) {
                case "embedded" -> EMBEDDED;
                case "external" -> EXTERNAL;
                default -> throw new IllegalArgumentException("mode must be embedded or external, not '" + value + "'");
            };
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public BusSettings {
        if (mode == null) {
            throw new IllegalArgumentException("mode must be set");
        }
        if (publishQos < 0 || publishQos > 2) {
            throw new IllegalArgumentException("publish.qos must be 0, 1 or 2, not " + publishQos);
        }
        if (mode == Mode.EMBEDDED && broker == null || mode == Mode.EXTERNAL && external == null) {
            throw new IllegalArgumentException("settings for mode " + mode.label() + " are missing");
        }
    }

    static BusSettings from(EventBusComponent.Config config, String nodeName) {
        Mode mode = Mode.parse(config.mode());
        BrokerSettings broker = new BrokerSettings(config.host(), config.port(), config.max_message_size(),
                config.max_inflight(), config.max_queued(), config.max_retained(), 10, config.io_threads(),
                config.max_retained_bytes(), config.max_queued_bytes(), config.max_queued_total_bytes(),
                config.max_pending_bytes(), config.max_pending_total_bytes(), config.bind_retry_ms());
        String clientId = config.client_id().isBlank() ? "karedge-" + nodeName : config.client_id().trim();
        ExternalSettings external = mode == Mode.EXTERNAL
                ? new ExternalSettings(config.external_url().trim(), clientId, config.username(), config.password(),
                        config.tls_ca_file().trim(), config.tls_cert_file().trim(), config.tls_key_file().trim(),
                        config.clean_session(), TopicParser.subscriptionFilters(config.legacy_topics()))
                : null;
        BrokerAccess.TlsListener tls = config.tls_port() == 0 ? null : new BrokerAccess.TlsListener(config.tls_port(),
                config.tls_server_cert_file().trim(), config.tls_server_key_file().trim(),
                config.tls_client_ca_file().trim());
        BrokerAccess access = new BrokerAccess(config.allow_anonymous(), dataFile(config.password_file(), "mqtt-users"),
                AccessControl.orNull(config.acl_file()), tls);
        SessionSettings sessions = new SessionSettings(dataFile(config.session_file(), "mqtt-sessions.journal"),
                config.session_expiry_secs(), config.session_fsync());
        return new BusSettings(mode, broker, config.publish_qos(), config.legacy_topics(), external, access, sessions);
    }

    /** @return {@code configured}, or {@code ${karaf.data}/karedge/<name>} when it is empty */
    static java.nio.file.Path dataFile(String configured, String name) {
        return configured == null || configured.isBlank()
                ? java.nio.file.Path.of(System.getProperty("karaf.data", "data"), "karedge", name)
                : java.nio.file.Path.of(configured.trim());
    }
}
