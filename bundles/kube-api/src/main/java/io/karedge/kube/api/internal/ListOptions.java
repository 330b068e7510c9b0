package io.karedge.kube.api.internal;

import java.util.OptionalLong;

/**
 * The options of a list or watch, as the Kubernetes API takes them ({@code ListOptions}): checked and
 * bounded here, so that what follows can trust them.
 *
 * @param resourceVersion     {@code resourceVersion}, empty when absent or {@code 0} ("any version")
 * @param exact               {@code resourceVersionMatch=Exact}
 * @param limit               items per page, {@code 0} for all; a larger page than the server's maximum is
 *                            cut to it (the client follows {@code continue} for the rest)
 * @param continueToken       the {@code continue} token of a previous page, or {@code null}
 * @param timeoutSeconds      how long a watch lasts, already bounded
 * @param sendInitialEvents   a watch that starts with the current state and marks its end with a bookmark
 */
record ListOptions(boolean watch, OptionalLong resourceVersion, boolean exact, long limit, String continueToken,
                   LabelSelector labels, FieldSelector fields, boolean allowWatchBookmarks, long timeoutSeconds,
                   boolean sendInitialEvents, String includeObject) {

    static final long MAX_TIMEOUT_SECONDS = 3600;

    /**
     * @param maxPage       the most items one page holds, whatever {@code limit} asks
     * @param defaultWatch  a watch's length when the client names none, in seconds
     */
    static ListOptions parse(Query query, String kind, long maxPage, long defaultWatch) throws KubeStatusException {
        boolean watch = query.flag("watch");
        OptionalLong resourceVersion = resourceVersion(query.get("resourceVersion"));
        String match = query.get("resourceVersionMatch");
        boolean exact = false;
        if (match != null && !match.isEmpty()) {
            if (watch) {
                if (!match.equals("NotOlderThan")) {
                    throw KubeStatusException.badRequest("resourceVersionMatch: Forbidden: only NotOlderThan is "
                            + "supported for watch");
                }
            } else if (match.equals("Exact")) {
                if (resourceVersion.isEmpty()) {
                    throw KubeStatusException.badRequest("resourceVersionMatch: Forbidden: resourceVersionMatch "
                            + "\"Exact\" is forbidden for resourceVersion \"0\" or unset");
                }
                exact = true;
            } else if (!match.equals("NotOlderThan")) {
                throw KubeStatusException.badRequest("resourceVersionMatch: Unsupported value: \""
                        + Query.abbreviate(match) + "\": supported values: \"Exact\", \"NotOlderThan\"");
            }
        }
        long limit = query.number("limit", 0);
        if (limit < 0) {
            limit = 0;
        }
        if (maxPage > 0 && limit > maxPage) {
            limit = maxPage;
        }
        String continueToken = query.get("continue");
        if (continueToken != null && continueToken.isEmpty()) {
            continueToken = null;
        }
        if (continueToken != null && watch) {
            throw KubeStatusException.badRequest("continue: Forbidden: continue is not supported for watch");
        }
        if (continueToken != null && resourceVersion.isPresent()) {
            throw KubeStatusException.badRequest("resourceVersion: Forbidden: specifying resource version is not "
                    + "allowed when using continue");
        }
        long timeout = query.number("timeoutSeconds", 0);
        if (timeout <= 0) {
            timeout = defaultWatch;
        }
        timeout = Math.min(timeout, MAX_TIMEOUT_SECONDS);
        boolean sendInitialEvents = query.flag("sendInitialEvents");
        if (sendInitialEvents && !watch) {
            throw KubeStatusException.badRequest("sendInitialEvents: Forbidden: sendInitialEvents is forbidden for "
                    + "list");
        }
        String includeObject = query.get("includeObject");
        if (includeObject == null || includeObject.isEmpty()) {
            includeObject = "Metadata";
        } else if (!includeObject.equals("None") && !includeObject.equals("Metadata")
                && !includeObject.equals("Object")) {
            throw KubeStatusException.badRequest("includeObject: Unsupported value: \""
                    + Query.abbreviate(includeObject) + "\": supported values: \"None\", \"Metadata\", \"Object\"");
        }
        return new ListOptions(watch, resourceVersion, exact, limit, continueToken,
                LabelSelector.parse(query.get("labelSelector")), FieldSelector.parse(query.get("fieldSelector"), kind),
                query.flag("allowWatchBookmarks"), timeout, sendInitialEvents, includeObject);
    }

    /** @return the version, or empty for absent, empty or {@code 0} */
    static OptionalLong resourceVersion(String text) throws KubeStatusException {
        if (text == null || text.isEmpty() || text.equals("0")) {
            return OptionalLong.empty();
        }
        try {
            long version = Long.parseLong(text);
            if (version > 0) {
                return OptionalLong.of(version);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw KubeStatusException.badRequest("resourceVersion: Invalid value: \"" + Query.abbreviate(text)
                + "\": invalid resource version");
    }
}
