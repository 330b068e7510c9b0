package io.karedge.shell.internal;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.support.CommandException;

/**
 * Options typed after the arguments, as kubectl users type them: {@code edge:twin counter-01 -n default}.
 *
 * <p>Karaf reads options only until the first argument; what follows lands in the argument fields, in
 * order, and the rest in the command's last argument, a multi-valued list that takes what is left over.
 * {@link #apply} reads all of those words again: the command's own {@link Option}s (by name or alias,
 * {@code -n NS}, {@code -nNS}, {@code --namespace=NS}, flags) are set, the other words go to the
 * arguments in order. A word that is a negative number is a value, not an option; {@code --} ends the options.
 */
final class TrailingOptions {

    private TrailingOptions() {
    }

    /**
     * Moves the options found among the arguments of {@code action} into their fields.
     *
     * @throws CommandException for an unknown option, an option without its value, too many arguments or a
     *                          missing required one
     */
    static void apply(Action action) throws CommandException {
        List<Field> arguments = arguments(action.getClass());
        Field rest = arguments.isEmpty() ? null : arguments.get(arguments.size() - 1);
        if (rest == null || !rest.getAnnotation(Argument.class).multiValued() || rest.getType() != List.class) {
            throw new IllegalStateException(action.getClass().getName() + " has no multi-valued last argument");
        }
        List<Field> positional = arguments.subList(0, arguments.size() - 1);
        List<String> words = new ArrayList<>();
        for (Field field : arguments) {
            Object value = get(field, action);
            if (value instanceof List<?> list) {
                list.forEach(word -> words.add(String.valueOf(word)));
            } else if (value != null) {
                words.add(String.valueOf(value));
            }
        }
        Map<String, Field> options = options(action.getClass());
        List<String> values = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (!optionsEnded && word.equals("--")) {
                optionsEnded = true;
            } else if (!optionsEnded && isOption(word)) {
                i = setOption(action, options, words, i);
            } else {
                values.add(word);
            }
        }
        if (values.size() > positional.size()) {
            throw new CommandException("too many arguments specified: "
                    + String.join(" ", values.subList(positional.size(), values.size()))
                    + " (options are " + String.join(", ", optionNames(action.getClass())) + ")");
        }
        for (int i = 0; i < positional.size(); i++) {
            Field field = positional.get(i);
            String value = i < values.size() ? values.get(i) : null;
            Argument argument = field.getAnnotation(Argument.class);
            if (value == null && argument.required()) {
                throw new CommandException("argument " + argument.name() + " is required");
            }
            set(field, action, value);
        }
        set(rest, action, null);
    }

    private static boolean isOption(String word) {
        return word.length() > 1 && word.startsWith("-") && !isNumber(word);
    }

    private static boolean isNumber(String word) {
        try {
            Double.parseDouble(word);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** @return the index of the last word the option used */
    private static int setOption(Action action, Map<String, Field> options, List<String> words, int index)
            throws CommandException {
        String word = words.get(index);
        String name = word;
        String inline = null;
        int equals = word.indexOf('=');
        if (word.startsWith("--") && equals > 0) {
            name = word.substring(0, equals);
            inline = word.substring(equals + 1);
        } else if (!word.startsWith("--") && word.length() > 2 && !options.containsKey(word)) {
            name = word.substring(0, 2); // -nplant, -oyaml
            inline = word.substring(2);
        }
        Field field = options.get(name);
        if (field == null || (inline != null && isFlag(field) && !word.startsWith("--"))) {
            throw new CommandException("unknown option " + word + " (options are "
                    + String.join(", ", optionNames(action.getClass())) + ")");
        }
        if (isFlag(field)) {
            set(field, action, inline == null || Boolean.parseBoolean(inline));
            return index;
        }
        String value = inline;
        int last = index;
        if (value == null) {
            if (index + 1 >= words.size()) {
                throw new CommandException("option " + name + " needs a value");
            }
            value = words.get(++last);
        }
        set(field, action, convert(field, name, value));
        return last;
    }

    private static boolean isFlag(Field field) {
        return field.getType() == boolean.class || field.getType() == Boolean.class;
    }

    private static Object convert(Field field, String option, String value) throws CommandException {
        Class<?> type = field.getType();
        try {
            if (type == String.class) {
                return value;
            } else if (type == long.class || type == Long.class) {
                return Long.valueOf(value);
            } else if (type == int.class || type == Integer.class) {
                return Integer.valueOf(value);
            }
        } catch (NumberFormatException e) {
            throw new CommandException("option " + option + " takes a whole number, not " + value);
        }
        throw new IllegalStateException("option " + option + " of type " + type.getName() + " is not supported");
    }

    private static List<Field> arguments(Class<?> type) {
        return Arrays.stream(type.getDeclaredFields())
                .filter(field -> field.isAnnotationPresent(Argument.class))
                .sorted(Comparator.comparingInt(field -> field.getAnnotation(Argument.class).index()))
                .collect(Collectors.toList());
    }

    private static Map<String, Field> options(Class<?> type) {
        Map<String, Field> options = new LinkedHashMap<>();
        for (Field field : type.getDeclaredFields()) {
            Option option = field.getAnnotation(Option.class);
            if (option != null) {
                options.put(option.name(), field);
                for (String alias : option.aliases()) {
                    options.put(alias, field);
                }
            }
        }
        return options;
    }

    private static List<String> optionNames(Class<?> type) {
        return Arrays.stream(type.getDeclaredFields())
                .map(field -> field.getAnnotation(Option.class))
                .filter(option -> option != null)
                .map(option -> option.aliases().length == 0 ? option.name()
                        : option.name() + "/" + String.join("/", option.aliases()))
                .collect(Collectors.toList());
    }

    private static Object get(Field field, Object target) {
        try {
            field.setAccessible(true);
            return field.get(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void set(Field field, Object target, Object value) {
        try {
            field.setAccessible(true);
            field.set(target, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
