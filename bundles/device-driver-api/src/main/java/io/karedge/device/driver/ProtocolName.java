package io.karedge.device.driver;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type naming the protocol a {@link ProtocolDriver} serves. As a single-element
 * annotation with the prefix {@code karedge.}, it sets the service property {@value #PROPERTY}, which the
 * device manager matches against a Device's {@code spec.protocol.protocolName} (exact, case-sensitive).
 *
 * <pre>
 * &#64;Component(service = ProtocolDriver.class)
 * &#64;ProtocolName("modbus")
 * public final class ModbusDriver implements ProtocolDriver { ... }
 * </pre>
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface ProtocolName {

    /**
     * The service property a driver is selected by: the prefix plus the annotation's name in dotted form.
     * (0.1.0 said {@code karedge.protocol}, which is not what the annotation sets.)
     */
    String PROPERTY = "karedge.protocol.name";

    String PREFIX_ = "karedge.";

    /** @return the protocol name, e.g. {@code modbus} */
    String value();
}
