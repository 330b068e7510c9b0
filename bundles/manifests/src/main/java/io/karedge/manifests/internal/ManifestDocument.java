package io.karedge.manifests.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.ObjectKey;

/**
 * One valid object read from a manifest file.
 *
 * @param key    kind, namespace (defaulted) and name
 * @param object the object as it is stored (namespace set, server-managed metadata removed)
 * @param line   1-based line where its document starts
 * @param column 1-based column where its document starts
 */
record ManifestDocument(ObjectKey key, ObjectNode object, int line, int column) {
}
