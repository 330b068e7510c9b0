package io.karedge.protocol.modbus.internal;

/** The four Modbus data tables, named as in KubeEdge's {@code register} visitor setting. */
enum RegisterType {
    /** Read/write bits, function codes 1, 5 and 15. */
    COIL("CoilRegister", true, true, 2000),
    /** Read-only bits, function code 2. */
    DISCRETE_INPUT("DiscreteInputRegister", true, false, 2000),
    /** Read-only 16-bit words, function code 4. */
    INPUT("InputRegister", false, false, 125),
    /** Read/write 16-bit words, function codes 3, 6 and 16. */
    HOLDING("HoldingRegister", false, true, 125);

    private final String wireName;
    private final boolean bits;
    private final boolean writable;
    private final int maxPerRead;

    RegisterType(String wireName, boolean bits, boolean writable, int maxPerRead) {
        this.wireName = wireName;
        this.bits = bits;
        this.writable = writable;
        this.maxPerRead = maxPerRead;
    }

    String wireName() {
        return wireName;
    }

    /** @return whether entries are single bits (coils, discrete inputs) rather than 16-bit words */
    boolean bits() {
        return bits;
    }

    boolean writable() {
        return writable;
    }

    /** @return the most entries one read request may ask for (Modbus application protocol limits) */
    int maxPerRead() {
        return maxPerRead;
    }

    /** @return the name as in KubeEdge's {@code register} setting, which the configuration binding matches */
    @Override
    public String toString() {
        return wireName;
    }
}
