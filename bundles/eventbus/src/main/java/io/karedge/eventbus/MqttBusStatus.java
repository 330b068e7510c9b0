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
}
