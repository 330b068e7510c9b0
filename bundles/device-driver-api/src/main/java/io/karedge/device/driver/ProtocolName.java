package io.karedge.device.driver;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type naming the protocol a {@link ProtocolDriver} serves; it sets the service
 * property {@value #PROPERTY}, matched against a Device's {@code spec.protocol.protocolName}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface ProtocolName {

    /** The service property a driver is selected by. */
    String PROPERTY = "karedge.protocol";

    String PREFIX_ = "karedge.";

    /** @return the protocol name, e.g. {@code modbus} */
    String value();
}
