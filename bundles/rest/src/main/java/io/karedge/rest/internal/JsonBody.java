package io.karedge.rest.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import javax.ws.rs.core.MediaType;

/**
 * Reads a JSON request body within bounds: at most {@code maxBytes} (413 beyond, told by
 * {@code Content-Length} before anything is read, or found while reading a chunked body), UTF-8 only,
 * nested at most {@link #MAX_DEPTH} deep. Everything a client can get wrong is an {@link ApiException}
 * with a one-line message: malformed JSON, invalid UTF-8, another charset, a body that breaks off.
 */
final class JsonBody {

    /** Deepest nesting of arrays and objects a body may have; twin bodies need three. */
    static final int MAX_DEPTH = 32;

    static final String TOO_LARGE = "RequestEntityTooLarge";

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonBody() {
    }

    /**
     * @param body          the request's entity stream (not closed here)
     * @param contentType   the request's media type, or {@code null}
     * @param contentLength the {@code Content-Length} header, or {@code null} (chunked)
     * @return the body as a tree; never {@code null}
     */
    static JsonNode read(InputStream body, MediaType contentType, String contentLength, long maxBytes)
            throws ApiException {
        checkCharset(contentType);
        checkLength(contentLength, maxBytes);
        JsonNode tree;
        try {
            tree = MAPPER.readTree(new Bounded(body == null ? InputStream.nullInputStream() : body, maxBytes));
        } catch (TooLarge e) {
            throw tooLarge(maxBytes);
        } catch (JsonProcessingException e) {
            throw bad("the body is not valid JSON: " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw bad("the body could not be read: " + oneLine(String.valueOf(e.getMessage())));
        } catch (RuntimeException e) {
            // a transport that breaks off a body (bad chunking) may say so with an unchecked exception
            throw bad("the body could not be read: " + oneLine(String.valueOf(e.getMessage())));
        }
        if (tree == null || tree.isMissingNode()) {
            throw bad("the body is empty");
        }
        return tree;
    }

    private static void checkCharset(MediaType contentType) throws ApiException {
        if (contentType == null) {
            return;
        }
        String charset = contentType.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (charset != null && !StandardCharsets.UTF_8.name().equalsIgnoreCase(charset.trim())
                && !"utf8".equalsIgnoreCase(charset.trim())) {
            throw bad("charset \"" + oneLine(charset) + "\" is not supported: send the body as UTF-8 JSON");
        }
    }

    private static void checkLength(String contentLength, long maxBytes) throws ApiException {
        if (contentLength == null || contentLength.isBlank()) {
            return;
        }
        long length;
        try {
            length = Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            throw bad("Content-Length \"" + oneLine(contentLength) + "\" is not a number");
        }
        if (length > maxBytes) {
            throw tooLarge(maxBytes);
        }
    }

    static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, TOO_LARGE, "the request body is larger than " + maxBytes
                + " bytes (request.body.max.bytes)");
    }

    private static ApiException bad(String message) {
        return new ApiException(400, ApiStatus.BAD_REQUEST, message);
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** Thrown by {@link Bounded} past the limit. */
    private static final class TooLarge extends IOException {

        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("request body over the limit");
        }
    }

    /** Counts what is read and fails once more than {@code limit} bytes came. */
    private static final class Bounded extends FilterInputStream {

        private final long limit;
        private long count;

        Bounded(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            counted(skipped);
            return skipped;
        }

        @Override
        public void close() {
            // the container owns the entity stream
        }

        private void counted(long n) throws TooLarge {
            count += n;
            if (count > limit) {
                throw new TooLarge();
            }
        }
    }
}
