package io.karedge.mesh.proxy.internal.tunnel;

/**
 * The frame types of the tunnel protocol. Every frame is {@code type u8 | stream u32 | length u32 | payload};
 * stream 0 carries the connection's own frames (HELLO, PING, PONG).
 */
final class FrameType {

    static final byte HELLO = 1;
    static final byte OPEN = 2;
    static final byte OPEN_OK = 3;
    static final byte OPEN_FAIL = 4;
    static final byte DATA = 5;
    static final byte WINDOW = 6;
    static final byte FIN = 7;
    static final byte RST = 8;
    static final byte PING = 9;
    static final byte PONG = 10;

    private static final String[] NAMES = {"?", "HELLO", "OPEN", "OPEN_OK", "OPEN_FAIL", "DATA", "WINDOW", "FIN",
        "RST", "PING", "PONG"};

    private FrameType() {
    }

    static boolean known(byte type) {
        return type >= HELLO && type <= PONG;
    }

    /** @return whether frames of this type belong to stream 0 */
    static boolean connectionLevel(byte type) {
        return type == HELLO || type == PING || type == PONG;
    }

    static String name(byte type) {
        return known(type) ? NAMES[type] : "type " + (type & 0xff);
    }
}
