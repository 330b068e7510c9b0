package io.karedge.rest.internal;

import io.karedge.api.access.RateLimitedLog;
import javax.ws.rs.WebApplicationException;
import javax.ws.rs.core.Response;
import javax.ws.rs.ext.ExceptionMapper;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;

/**
 * What the JAX-RS runtime throws for a request it cannot route or read (404, 405, 406, 415, a parameter
 * that does not convert) answered as a Kubernetes Status with the same code and nothing logged: these are
 * the client's errors. A 5xx is one rate-limited WARN line without a stack trace. Without this, CXF logs
 * each such answer with a stack trace.
 */
@Component(service = ExceptionMapper.class)
@JaxrsExtension
public class ErrorMapper implements ExceptionMapper<WebApplicationException> {

    private final RateLimitedLog log = new RateLimitedLog(ErrorMapper.class);

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response original = exception.getResponse();
        int code = original == null ? 500 : original.getStatus();
        if (original != null && original.hasEntity()) {
            return original;
        }
        if (code >= 500) {
            log.warn("A request failed with {}: {}", code, exception.toString());
        }
        Response.StatusType type = Response.Status.fromStatusCode(code);
        String reason = type == null ? "Status" + code : reasonOf(type);
        Response.ResponseBuilder answer = Response.fromResponse(ApiStatus.response(code, reason,
                type == null ? "HTTP " + code : type.getReasonPhrase()));
        if (original != null) {
            String allow = original.getHeaderString("Allow");
            if (allow != null) {
                answer.header("Allow", allow);
            }
        }
        return answer.build();
    }

    private static String reasonOf(Response.StatusType type) {
        return switch (type.getStatusCode()) {
            case 400 -> ApiStatus.BAD_REQUEST;
            case 404 -> ApiStatus.NOT_FOUND;
            case 405 -> "MethodNotAllowed";
            case 406 -> "NotAcceptable";
            case 415 -> "UnsupportedMediaType";
            default -> type.getReasonPhrase().replace(" ", "");
        };
    }
}
