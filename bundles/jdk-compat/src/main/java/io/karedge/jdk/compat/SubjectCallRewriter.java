package io.karedge.jdk.compat;

import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Replaces each {@code Subject.getSubject(AccessControlContext)} call with {@code Subject.current()}: the
 * context argument is popped and the current subject pushed, so the operand stack, the frames and the
 * class's size limits stay as they were. Classes that do not name {@code getSubject} in their constant pool
 * are passed over without parsing; a class the rewriter cannot read is left as it is.
 */
final class SubjectCallRewriter implements ClassFileTransformer {

    static final String SUBJECT = "javax/security/auth/Subject";
    static final String GET_SUBJECT = "getSubject";
    static final String GET_SUBJECT_DESCRIPTOR = "(Ljava/security/AccessControlContext;)Ljavax/security/auth/Subject;";
    static final String CURRENT = "current";
    static final String CURRENT_DESCRIPTOR = "()Ljavax/security/auth/Subject;";

    private static final byte[] MARKER = GET_SUBJECT.getBytes(StandardCharsets.ISO_8859_1);

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
            byte[] classFile) {
        if (className == null || className.startsWith("java/") || className.startsWith("jdk/")
                || className.startsWith("sun/") || !contains(classFile, MARKER)) {
            return null;
        }
        try {
            return rewrite(classFile);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** The class with its getSubject calls replaced, or null when it has none. */
    static byte[] rewrite(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        boolean[] rewritten = {false};
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor method = super.visitMethod(access, name, descriptor, signature, exceptions);
                return new MethodVisitor(Opcodes.ASM9, method) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String called, String calledDescriptor,
                            boolean onInterface) {
                        if (opcode == Opcodes.INVOKESTATIC && SUBJECT.equals(owner) && GET_SUBJECT.equals(called)
                                && GET_SUBJECT_DESCRIPTOR.equals(calledDescriptor)) {
                            super.visitInsn(Opcodes.POP);
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, SUBJECT, CURRENT, CURRENT_DESCRIPTOR, false);
                            rewritten[0] = true;
                        } else {
                            super.visitMethodInsn(opcode, owner, called, calledDescriptor, onInterface);
                        }
                    }
                };
            }
        }, 0);
        return rewritten[0] ? writer.toByteArray() : null;
    }

    private static boolean contains(byte[] bytes, byte[] marker) {
        outer:
        for (int start = 0; start <= bytes.length - marker.length; start++) {
            for (int offset = 0; offset < marker.length; offset++) {
                if (bytes[start + offset] != marker[offset]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
