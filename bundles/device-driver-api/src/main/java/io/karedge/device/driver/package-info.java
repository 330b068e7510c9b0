/**
 * The protocol-driver SPI: a driver bundle registers one {@link io.karedge.device.driver.ProtocolDriver}
 * per protocol; the device manager opens a {@link io.karedge.device.driver.DeviceHandler} per device and
 * hands it a {@link io.karedge.device.driver.DeviceCallback}.
 *
 * <p>Optional abilities are separate interfaces that the core looks for with {@code instanceof}:
 * {@link io.karedge.device.driver.PushingHandler} (a handler that pushes values instead of being polled)
 * and {@link io.karedge.device.driver.DeviceDiscovery} (a driver that can find devices). New abilities
 * are added the same way, so the SPI grows in minor versions.
 *
 * <p>This package is versioned apart from the rest of Karedge. Drivers implement the
 * {@code @ConsumerType} interfaces and so import a narrow range; Karedge implements the
 * {@code @ProviderType} ones. Version 0.x marks the first shape: it may still change in minor steps.
 *
 * <p>0.2.0 added {@link io.karedge.device.driver.PushingHandler},
 * {@link io.karedge.device.driver.DeviceDiscovery}, {@link io.karedge.device.driver.DiscoveredDevice},
 * {@link io.karedge.device.driver.BaseDeviceHandler}, {@link io.karedge.device.driver.PropertyException},
 * the helpers of {@link io.karedge.device.driver.PropertyRequest}, and corrected
 * {@link io.karedge.device.driver.ProtocolName#PROPERTY} to the name the annotation really sets.
 *
 * <p>0.3.0 added typed configuration: {@link io.karedge.device.driver.ConfigBinding},
 * {@link io.karedge.device.driver.ConfigKey} and
 * {@link io.karedge.device.driver.PropertyRequest#configAs(Class)}; and
 * {@link io.karedge.device.driver.DeviceCallback#reportReconnected(String)} (a default method: drivers built
 * against 0.2 are unchanged); and a reason with every state: {@link io.karedge.device.driver.StateDetail},
 * {@link io.karedge.device.driver.DeviceCallback#reportState(DeviceState, StateDetail, String)} and a detail on
 * {@link io.karedge.device.driver.DriverException} and {@link io.karedge.device.driver.PropertyException}
 * (additions: a 0.2 driver's failures count as communication errors, its validate failures as
 * configuration errors).
 */
@Export
@Version("0.3.0")
package io.karedge.device.driver;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
