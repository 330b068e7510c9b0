/**
 * The event bus as other bundles see it: a read-only status for the shell and the REST API, and the
 * embedded broker's users ({@link io.karedge.eventbus.MqttUsers}) for the shell.
 *
 * <p>{@link io.karedge.eventbus.MqttBusStatus} is implemented by the event bus bundle only
 * ({@code @ProviderType}); consumers import the package with a minor-version range.
 */
@Export
@Version("1.2.0")
package io.karedge.eventbus;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
