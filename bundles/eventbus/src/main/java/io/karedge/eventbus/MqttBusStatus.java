package io.karedge.eventbus;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the MQTT event bus is doing right now. Registered while the bus runs; every call is cheap and
 * never blocks.
 *
 * <p>"In" counts PUBLISH packets the bus received (from clients of the embedded broker, or from the
 * external broker); "out" counts PUBLISH packets it sent (to clients of the embedded broker, or to the
 * external broker). Rates are over the last second.
 *
 * @since 1.0
 */
@ProviderType
public interface MqttBusStatus {

    /** @return {@code embedded} or {@code external} */
    String mode();

    /** @return where the bus is: the embedded broker's listen address ({@code tcp://127.0.0.1:1883}) or the external broker's URL */
    String address();

    /** @return true while the embedded broker listens, or while the external connection is up */
    boolean connected();

    /** @return MQTT clients connected to the embedded broker; 0 in external mode */
    int connectedClients();

    /** @return PUBLISH packets received per second (last second) */
    double messagesInPerSecond();

    /** @return PUBLISH packets sent per second (last second) */
    double messagesOutPerSecond();

    /** @return PUBLISH packets received since the bus started */
    long messagesIn();

    /** @return PUBLISH packets sent since the bus started */
    long messagesOut();

    /** @return requests answered with an error because of their topic (bad or hostile topics) */
    long rejected();

    /** @return failures: engine failures, publications that could not be sent or were dropped */
    long errors();

    /**
     * @return connections refused by the embedded broker: anonymous while {@code allow.anonymous} is off, or
     *         a wrong user name or password
     * @since 1.1
     */
    default long refusedConnections() {
        return 0;
    }

    /**
     * @return PUBLISH packets the embedded broker dropped because the client may not publish there (its ACL,
     *         or one of the node's own output topics)
     * @since 1.1
     */
    default long refusedPublishes() {
        return 0;
    }

    /** @return subscriptions answered with 0x80 because the client may not read there @since 1.1 */
    default long refusedSubscriptions() {
        return 0;
    }

    /** @return clients with a persistent session ({@code cleanSession=0}), connected or not @since 1.1 */
    default int persistentSessions() {
        return 0;
    }

    /** @return messages dropped from a full persistent session (oldest first) @since 1.1 */
    default long sessionDropped() {
        return 0;
    }

    /**
     * @return why MQTT is not up, or null while it is: an embedded listener whose address can't be bound (it
     *         tries again every {@code bind.retry.ms}), or an external broker that can't be reached
     * @since 1.2
     */
    default String problem() {
        return null;
    }
}
