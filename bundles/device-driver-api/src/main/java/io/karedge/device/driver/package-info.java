/**
 * The protocol-driver SPI: a driver bundle registers one {@link io.karedge.device.driver.ProtocolDriver}
 * per protocol; the device manager opens a {@link io.karedge.device.driver.DeviceHandler} per device and
 * hands it a {@link io.karedge.device.driver.DeviceCallback}.
 *
 * <p>This package is versioned apart from the rest of Karedge. Drivers implement the
 * {@code @ConsumerType} interfaces and so import a narrow range; Karedge implements the
 * {@code @ProviderType} ones. Version 0.x marks the first shape: it may still change in minor steps.
 */
@Export
@Version("0.1.0")
package io.karedge.device.driver;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
