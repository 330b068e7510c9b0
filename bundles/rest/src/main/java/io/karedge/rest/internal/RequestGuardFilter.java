package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ReadListener;
import javax.servlet.ServletException;
import javax.servlet.ServletInputStream;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletRequestWrapper;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * In front of the JAX-RS servlet (an HTTP whiteboard filter on {@code /api/*}): what the JAX-RS runtime
 * would otherwise fail on, or read whole, is answered here with a one-line Kubernetes Status.
 *
 * <ul>
 *   <li>a {@code Content-Length} over {@code request.body.max.bytes}: 413 at once, nothing of the body read
 *       (CXF reads what a resource left unread before it answers, up to 16 MiB);</li>
 *   <li>a {@code Content-Type} charset the JVM does not know: 400 (CXF answers 500 with a logged stack);</li>
 *   <li>a body without a length (chunked) ends for the application after {@code request.body.max.bytes} + 1
 *       bytes, so the resource sees it is too large (413) and nothing more of it is read.</li>
 * </ul>
 */
@Component(service = Filter.class, property = {
        "osgi.http.whiteboard.filter.name=karedge-request-guard",
        "osgi.http.whiteboard.filter.pattern=/api/*",
        "osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=*)"})
public class RequestGuardFilter implements Filter {

    private final RestLimits limits;

    @Activate
    public RequestGuardFilter(@Reference(name = "limits") RestLimits limits) {
        this.limits = limits;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse answer)) {
            chain.doFilter(request, response);
            return;
        }
        long length = http.getContentLengthLong();
        if (length > limits.bodyMaxBytes()) {
            answer.setHeader("Connection", "close");
            refuse(answer, JsonBody.tooLarge(limits.bodyMaxBytes()).status());
            return;
        }
        String charset = charset(http.getContentType());
        if (charset != null && !known(charset)) {
            refuse(answer, ApiStatus.failure(400, ApiStatus.BAD_REQUEST, "charset \"" + charset
                    + "\" is not supported: send the body as UTF-8 JSON"));
            return;
        }
        chain.doFilter(length < 0 ? new Truncated(http, limits.bodyMaxBytes() + 1) : http, response);
    }

    private static void refuse(HttpServletResponse answer, ObjectNode status) throws IOException {
        byte[] body = KaredgeJson.mapper().writeValueAsBytes(status);
        answer.setStatus(status.path("code").asInt());
        answer.setContentType("application/json");
        answer.setContentLength(body.length);
        answer.getOutputStream().write(body);
    }

    /** @return the charset parameter of a Content-Type, or {@code null} */
    static String charset(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String parameter : contentType.split(";")) {
            int equals = parameter.indexOf('=');
            if (equals > 0 && "charset".equalsIgnoreCase(parameter.substring(0, equals).trim())) {
                String value = parameter.substring(equals + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.length() > 64 ? value.substring(0, 64) : value;
            }
        }
        return null;
    }

    private static boolean known(String charset) {
        try {
            return Charset.isSupported(charset);
        } catch (IllegalCharsetNameException e) {
            return false;
        }
    }

    /** A request whose body ends, for the application, after {@code limit} bytes. */
    private static final class Truncated extends HttpServletRequestWrapper {

        private final long limit;
        private ServletInputStream stream;

        Truncated(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new TruncatedStream(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class TruncatedStream extends ServletInputStream {

        private final ServletInputStream in;
        private long left;

        TruncatedStream(ServletInputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public boolean isFinished() {
            return left <= 0 || in.isFinished();
        }

        @Override
        public boolean isReady() {
            return left <= 0 || in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
