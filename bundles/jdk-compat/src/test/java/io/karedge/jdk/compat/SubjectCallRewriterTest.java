package io.karedge.jdk.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.security.AccessController;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

class SubjectCallRewriterTest {

    /** Calls the API Java 24 removed, as Karaf's ShellUtil does. */
    @SuppressWarnings("removal")
    static final class CallsGetSubject {
        static String userName() {
            Subject subject = Subject.getSubject(AccessController.getContext());
            return subject == null ? null : subject.getPrincipals().iterator().next().getName();
        }
    }

    static final class CallsNothing {
        static int answer() {
            return 42;
        }
    }

    @Test
    void getSubjectBecomesCurrentWithTheStackUnchanged() throws IOException {
        byte[] rewritten = SubjectCallRewriter.rewrite(classFile(CallsGetSubject.class));

        assertThat(rewritten).isNotNull();
        List<String> calls = staticCalls(rewritten);
        assertThat(calls).contains(SubjectCallRewriter.SUBJECT + "." + SubjectCallRewriter.CURRENT
                + SubjectCallRewriter.CURRENT_DESCRIPTOR);
        assertThat(calls).noneMatch(call -> call.contains(".getSubject("));
        // the class still verifies: it loads and links in a fresh loader
        assertThat(new OneClassLoader(CallsGetSubject.class.getName(), rewritten).load()).isNotNull();
    }

    @Test
    void classesWithoutTheCallArePassedOver() throws IOException {
        SubjectCallRewriter rewriter = new SubjectCallRewriter();

        assertThat(rewriter.transform(null, "io/karedge/jdk/compat/SubjectCallRewriterTest$CallsNothing", null, null,
                classFile(CallsNothing.class))).isNull();
        assertThat(rewriter.transform(null, "java/lang/Example", null, null, classFile(CallsGetSubject.class))).isNull();
        assertThat(rewriter.transform(null, "broken/Class", null, null,
                "getSubject but not a class file".getBytes())).isNull();
    }

    private static byte[] classFile(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    private static List<String> staticCalls(byte[] classFile) {
        List<String> calls = new ArrayList<>();
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String called, String calledDescriptor,
                            boolean onInterface) {
                        if (opcode == Opcodes.INVOKESTATIC) {
                            calls.add(owner + "." + called + calledDescriptor);
                        }
                    }
                };
            }
        }, 0);
        return calls;
    }

    private static final class OneClassLoader extends ClassLoader {
        private final String name;
        private final byte[] classFile;

        OneClassLoader(String name, byte[] classFile) {
            super(null);
            this.name = name;
            this.classFile = classFile;
        }

        Class<?> load() {
            Class<?> type = defineClass(name, classFile, 0, classFile.length);
            resolveClass(type);
            return type;
        }
    }
}
