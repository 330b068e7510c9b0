package io.karedge.manifests.internal;

import io.karedge.manifests.ManifestReport.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where problems with manifests are told, one line each. The component logs them; tests collect them. */
@FunctionalInterface
interface ProblemReporter {

    /**
     * @param where   a file name, or the directory for problems with the directory itself
     * @param problem what is wrong, with its line and column when known
     */
    void report(String where, Problem problem);

    /** @return {@code file:line:column: message} as written to the log */
    static String format(String where, Problem problem) {
        if (problem.line() <= 0) {
            return where + ": " + problem.message();
        }
        return problem.column() > 0
                ? where + ":" + problem.line() + ":" + problem.column() + ": " + problem.message()
                : where + ":" + problem.line() + ": " + problem.message();
    }

    /** @return a reporter writing one WARN line per problem */
    static ProblemReporter slf4j() {
        Logger log = LoggerFactory.getLogger("io.karedge.manifests");
        return (where, problem) -> log.warn("Manifest problem: {}", format(where, problem));
    }
}
