package io.karedge.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PUT bodies of the twin resource over real HTTP (Jetty and CXF as in the node): bodies over the limit are
 * answered 413 without being read whole, bodies a client got wrong are answered 400 with one line of reason.
 */
class RequestBodyTest {

    private static final String PATH = "/api/v1/namespaces/plant-a/devices/thermo-01/twin";
    private static final int MIB = 1024 * 1024;

    private static JettyApi api;
    private static TwinResourceTest.FakeEngine engine;

    @BeforeAll
    static void start() throws Exception {
        engine = new TwinResourceTest.FakeEngine();
        api = JettyApi.start(new TwinResource(engine, new TwinChangeHub(), RestLimits.defaults()));
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    private static String head(String contentType, String framing) {
        return "PUT " + PATH + " HTTP/1.1\nHost: 127.0.0.1\nConnection: close\nContent-Type: " + contentType + "\n"
                + framing + "\n";
    }

    private static RawHttp.Answer put(byte[] body) throws Exception {
        return put("application/json", body);
    }

    private static RawHttp.Answer put(String contentType, byte[] body) throws Exception {
        return RawHttp.exchange(api.port(), head(contentType, "Content-Length: " + body.length),
                RawHttp.bytes(body));
    }

    /** A valid twin body whose value is {@code digits} digits long. */
    private static InputStream hugeBody(int digits) {
        byte[] open = "{\"desired\":{\"setpoint\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] close = "\"}}".getBytes(StandardCharsets.UTF_8);
        InputStream value = new InputStream() {
            private int left = digits;

            @Override
            public int read() {
                return left-- > 0 ? '1' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) '1');
                left -= n;
                return n;
            }
        };
        return new SequenceInputStream(Collections.enumeration(List.of(new ByteArrayInputStream(open), value,
                new ByteArrayInputStream(close))));
    }

    private static String reason(RawHttp.Answer answer) throws Exception {
        String text = answer.text();
        String body = text.substring(text.indexOf("\r\n\r\n") + 4);
        if (text.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
            body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("\r\n0\r\n"));
        }
        return io.karedge.api.json.KaredgeJson.mapper().readTree(body).path("message").asText();
    }

    @Test
    void aValidBodyIsWritten() throws Exception {
        RawHttp.Answer answer = put("{\"desired\":{\"setpoint\":\"30\"}}".getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).contains("\"versions\"");
    }

    @Test
    void aContentLengthOverTheLimitIsAnswered413BeforeTheBodyIsRead() throws Exception {
        // the head announces 19 MiB, the body never comes: the answer must not wait for it
        RawHttp.Answer answer = RawHttp.exchange(api.port(), head("application/json", "Content-Length: "
                + 19 * MIB), out -> out.write("{\"desired\":".getBytes(StandardCharsets.UTF_8)));

        assertThat(answer.status()).isEqualTo(413);
        assertThat(reason(answer)).isEqualTo("the request body is larger than 1048576 bytes (request.body.max.bytes)");
        assertThat(answer.text()).contains("\"reason\":\"RequestEntityTooLarge\"");
    }

    @Test
    void sixConcurrentChunked19MiBBodiesAreAnswered413() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<RawHttp.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                answers.add(clients.submit(() -> RawHttp.exchange(api.port(),
                        head("application/json", "Transfer-Encoding: chunked"),
                        RawHttp.chunked(hugeBody(19 * MIB)))));
            }
            for (Future<RawHttp.Answer> answer : answers) {
                assertThat(answer.get().status()).isEqualTo(413);
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(engine.values.get("setpoint")).hasSizeLessThan(100);
    }

    @Test
    void malformedJsonIs400WithOneLine() throws Exception {
        RawHttp.Answer answer = put("{\"desired\": {\"setpoint\": ".getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(reason(answer)).startsWith("the body is not valid JSON: ").doesNotContain("\n");
        assertThat(answer.text()).doesNotContain("Exception");
    }

    @Test
    void invalidUtf8Is400() throws Exception {
        byte[] body = "{\"desired\":{\"setpoint\":\"2X\"}}".getBytes(StandardCharsets.UTF_8);
        body[body.length - 5] = (byte) 0xC3; // a lead byte followed by '"'
        RawHttp.Answer answer = put(body);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(reason(answer)).startsWith("the body is not valid JSON: ").containsIgnoringCase("UTF-8");
    }

    @Test
    void deepNestingIs400() throws Exception {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        RawHttp.Answer answer = put(("{\"desired\":" + deep + "}").getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(reason(answer)).startsWith("the body is not valid JSON: ").contains("nesting depth");
    }

    @Test
    void anotherCharsetIs400() throws Exception {
        RawHttp.Answer answer = put("application/json; charset=ISO-8859-1",
                "{\"desired\":{\"setpoint\":\"31\"}}".getBytes(StandardCharsets.ISO_8859_1));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(reason(answer)).isEqualTo("charset \"ISO-8859-1\" is not supported: send the body as UTF-8 JSON");
    }

    @Test
    void anUnknownCharsetIs400() throws Exception {
        RawHttp.Answer answer = put("application/json; charset=klingon",
                "{\"desired\":{\"setpoint\":\"31\"}}".getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(reason(answer)).isEqualTo("charset \"klingon\" is not supported: send the body as UTF-8 JSON");
    }

    @Test
    void aBrokenChunkedBodyIs400() throws Exception {
        // a chunk announces 5 bytes and is followed by more data instead of its line end
        RawHttp.Answer answer = RawHttp.exchange(api.port(), head("application/json", "Transfer-Encoding: chunked"),
                out -> out.write("5\r\n{\"desired\":{\"setpoint\":\"1\"}}\r\n0\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1)));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text()).doesNotContain("Exception");
    }

    @Test
    void anEmptyBodyIs400() throws Exception {
        RawHttp.Answer answer = put(new byte[0]);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(reason(answer)).isEqualTo("the body is empty");
    }
}
