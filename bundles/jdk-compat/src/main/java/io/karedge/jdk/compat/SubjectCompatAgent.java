package io.karedge.jdk.compat;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry point: on Java 24 and later it registers {@link SubjectCallRewriter} for every class
 * loaded from then on; on older Java it does nothing, as {@code Subject.getSubject} still works there.
 */
public final class SubjectCompatAgent {

    private SubjectCompatAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        if (Runtime.version().feature() >= 24) {
            instrumentation.addTransformer(new SubjectCallRewriter());
        }
    }
}
