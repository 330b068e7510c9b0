package io.karedge.device.driver;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.temporal.ChronoUnit;

/**
 * How one component of a configuration record is read from {@code configData} by {@link ConfigBinding}.
 * Every element is optional; a component without this annotation is read from the key of its own name.
 *
 * @since 0.3
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface ConfigKey {

    /** @return the key in {@code configData}; the component's name when empty */
    String value() default "";

    /** @return other keys accepted for the same setting; giving two of them is an error */
    String[] aliases() default {};

    /** @return whether the key must be given (a blank string counts as not given) */
    boolean required() default false;

    /** @return the smallest accepted number (for durations: in {@link #unit()}) */
    double min() default Double.NEGATIVE_INFINITY;

    /** @return the largest accepted number (for durations: in {@link #unit()}) */
    double max() default Double.POSITIVE_INFINITY;

    /** @return for a {@link java.time.Duration}: the unit of a plain number; milliseconds unless set */
    ChronoUnit unit() default ChronoUnit.MILLIS;

    /** @return words added to the error when the key is missing or wrong, e.g. {@code "for example 502"} */
    String hint() default "";
}
