package io.karedge.boot.podsfirst;

import java.io.IOException;

/** A header block that is not valid HPACK (a connection error COMPRESSION_ERROR in HTTP/2). */
final class HpackException extends IOException {

    HpackException(String message) {
        super(message);
    }
}
