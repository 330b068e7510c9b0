package io.karedge.protocol.virtual.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Numbers in twin form: integers for {@code int}, otherwise at most three decimals, never exponent form. */
final class Values {

    private Values() {
    }

    static String format(double value, String type) {
        if ("int".equals(type)) {
            return Long.toString(Math.round(value));
        }
        if ("boolean".equals(type)) {
            return Boolean.toString(value != 0);
        }
        BigDecimal rounded = BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
        return rounded.signum() == 0 ? "0" : rounded.toPlainString();
    }
}
