package io.karedge.device.driver.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.device.driver.ConfigKey;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** Binds a {@code configData} object to a record, component by component (see {@code ConfigBinding}). */
public final class RecordBinder {

    private RecordBinder() {
    }

    public static <T> T bind(JsonNode configData, Class<T> type, String where, Consumer<String> warnings) {
        return bind(configData, type, where, "", warnings);
    }

    static <T> T bind(JsonNode configData, Class<T> type, String where, String keyPrefix, Consumer<String> warnings) {
        if (!type.isRecord()) {
            throw new IllegalStateException(type.getName() + " is not a record; configData binds to records only");
        }
        JsonNode config = configData == null || configData.isNull() || configData.isMissingNode() ? null : configData;
        if (config != null && !config.isObject()) {
            throw new IllegalArgumentException(where + ": " + (keyPrefix.isEmpty() ? "configData"
                    : keyPrefix.substring(0, keyPrefix.length() - 1)) + " must be an object of settings, not "
                    + ValueConverter.shown(config));
        }
        RecordComponent[] components = type.getRecordComponents();
        Object defaults = defaults(type);
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        Set<String> known = new LinkedHashSet<>();
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            types[i] = component.getType();
            ConfigKey key = component.getAnnotation(ConfigKey.class);
            List<String> names = names(component, key);
            known.addAll(names);
            String given = null;
            for (String name : names) {
                if (config != null && ValueConverter.present(config.get(name))) {
                    if (given != null) {
                        throw new IllegalArgumentException(where + ": set " + keyPrefix + given + " or " + keyPrefix
                                + name + ", not both (they are the same setting)");
                    }
                    given = name;
                }
            }
            if (given == null) {
                if (key != null && key.required()) {
                    throw new IllegalArgumentException(where + ": " + keyPrefix + names.get(0) + " is missing"
                            + (key.hint().isEmpty() ? "" : " (" + key.hint() + ")") + misspelled(config, names));
                }
                values[i] = defaults != null ? read(component, defaults) : ValueConverter.empty(component.getType());
            } else if (component.getType().isRecord()) {
                values[i] = bind(config.get(given), component.getType(), where, keyPrefix + given + ".", warnings);
            } else {
                values[i] = ValueConverter.convert(config.get(given), component.getType(), key,
                        new ValueConverter.Place(where, keyPrefix + given));
            }
        }
        warnUnknown(config, known, where, keyPrefix, warnings);
        return construct(type, types, values, where);
    }

    private static List<String> names(RecordComponent component, ConfigKey key) {
        List<String> names = new ArrayList<>();
        names.add(key == null || key.value().isEmpty() ? component.getName() : key.value());
        if (key != null) {
            names.addAll(List.of(key.aliases()));
        }
        return names;
    }

    /** @return a note on a given key that differs from one of {@code names} only in case, or "" */
    private static String misspelled(JsonNode config, List<String> names) {
        if (config == null) {
            return "";
        }
        for (Iterator<String> fields = config.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (names.stream().anyMatch(field::equalsIgnoreCase)) {
                return "; '" + field + "' is given, but keys are case-sensitive";
            }
        }
        return "";
    }

    private static void warnUnknown(JsonNode config, Set<String> known, String where, String keyPrefix,
                                    Consumer<String> warnings) {
        if (config == null) {
            return;
        }
        for (Iterator<String> fields = config.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!known.contains(field)) {
                String meant = known.stream().filter(field::equalsIgnoreCase).findFirst()
                        .map(name -> "did you mean " + keyPrefix + name + "? ").orElse("");
                warnings.accept(where + ": unknown key '" + keyPrefix + field + "' is ignored (" + meant + "known: "
                        + String.join(", ", known) + ")");
            }
        }
    }

    private static Object defaults(Class<?> type) {
        try {
            Field field = type.getDeclaredField("DEFAULTS");
            if (!Modifier.isStatic(field.getModifiers()) || field.getType() != type) {
                return null;
            }
            field.setAccessible(true);
            return field.get(null);
        } catch (NoSuchFieldException e) {
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + type.getName() + ".DEFAULTS: " + e, e);
        }
    }

    private static Object read(RecordComponent component, Object instance) {
        try {
            var accessor = component.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(instance);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read the default of " + component.getName() + ": " + e, e);
        }
    }

    private static <T> T construct(Class<T> type, Class<?>[] types, Object[] values, String where) {
        Constructor<T> constructor;
        try {
            constructor = type.getDeclaredConstructor(types);
            constructor.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("no canonical constructor on " + type.getName() + ": " + e, e);
        }
        try {
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException refused) {
                throw new IllegalArgumentException(where + ": " + refused.getMessage(), refused);
            }
            if (e.getCause() instanceof RuntimeException failed) {
                throw failed;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName() + ": " + e, e);
        }
    }
}
