package org.mailintegrator.apicheck;

import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericDeclaration;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes the public API of some packages as text, one line per public type and per public or protected member, so
 * that two versions of the API can be compared line by line.
 *
 * <p>A type is dumped when it is public and top-level in one of the packages, or a public or protected member type
 * of a dumped type. Each line starts with the type's binary name and {@code " :: "}, then one of:
 * {@code type} (kind, modifiers, type parameters, generic superclass and interfaces, record components),
 * {@code nested} (a member type), {@code enum-constant}, {@code field} (with the value of a compile-time constant),
 * {@code constructor} or {@code method} (generic parameter, return and exception types). {@code @Deprecated}
 * follows the word it marks. Synthetic and bridge members are left out. The classes are loaded without being
 * initialized: constant values come from the class files.
 *
 * <p>Types are sorted by name and separated by a blank line; within a type the lines are sorted by their kind in the
 * order above, then alphabetically. The same classes give the same text whether they come from directories or jars.
 */
final class ApiDumper {
    private static final List<String> KINDS =
            List.of("type", "nested", "enum-constant", "field", "constructor", "method");

    private final ClassLoader loader;
    private final List<Path> classPath;

    /**
     * A dumper that finds classes in the given class path entries (directories or jars) and in whatever else the
     * loader finds for a package, and loads them with that loader.
     */
    ApiDumper(ClassLoader loader, List<Path> classPath) {
        this.loader = loader;
        this.classPath = List.copyOf(classPath);
    }

    /** A dumper for the class path this JVM runs with (in a Maven build: the test class path). */
    static ApiDumper forThisClassPath() {
        List<Path> entries = Arrays.stream(System.getProperty("java.class.path", "").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(Paths::get)
                .collect(Collectors.toList());
        return new ApiDumper(ApiDumper.class.getClassLoader(), entries);
    }

    /**
     * The API of the given packages: sorted lines, a blank line between types. A package that has no classes
     * contributes nothing.
     */
    List<String> dump(Collection<String> packageNames) {
        Map<String, List<String>> linesByType = new TreeMap<>();
        for (String packageName : new TreeSet<>(packageNames)) {
            for (String className : classNamesIn(packageName)) {
                Class<?> type = load(className);
                if (Modifier.isPublic(type.getModifiers()) && !type.isMemberClass()
                        && !type.isLocalClass() && !type.isAnonymousClass() && !type.isSynthetic()) {
                    dumpType(type, linesByType);
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (List<String> lines : linesByType.values()) {
            if (!out.isEmpty()) {
                out.add("");
            }
            out.addAll(lines);
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------- finding classes

    /** Binary names of the classes directly in a package, member and anonymous classes included. */
    Set<String> classNamesIn(String packageName) {
        String directory = packageName.replace('.', '/');
        Set<Path> roots = new LinkedHashSet<>();
        for (Path entry : classPath) {
            roots.add(entry.toAbsolutePath().normalize());
        }
        roots.addAll(rootsHolding(directory));

        Set<String> names = new TreeSet<>();
        for (Path root : roots) {
            if (Files.isDirectory(root)) {
                Path packageDirectory = root.resolve(directory);
                if (Files.isDirectory(packageDirectory)) {
                    try (Stream<Path> files = Files.list(packageDirectory)) {
                        files.map(file -> file.getFileName().toString())
                                .filter(ApiDumper::isClassFile)
                                .forEach(file -> names.add(className(packageName, file)));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            } else if (Files.isRegularFile(root)) {
                try (JarFile jar = new JarFile(root.toFile())) {
                    jar.stream()
                            .map(JarEntry::getName)
                            .filter(name -> name.startsWith(directory + "/"))
                            .map(name -> name.substring(directory.length() + 1))
                            .filter(file -> !file.contains("/") && isClassFile(file))
                            .forEach(file -> names.add(className(packageName, file)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + root, e);
                }
            }
        }
        return names;
    }

    /** The directories and jars in which the loader finds the package's directory. */
    private Set<Path> rootsHolding(String directory) {
        Set<Path> roots = new LinkedHashSet<>();
        try {
            Enumeration<URL> urls = loader.getResources(directory);
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                if (url.getProtocol().equals("file")) {
                    Path packageDirectory = Paths.get(url.toURI()).normalize();
                    Path root = packageDirectory;
                    for (int i = 0; i < directory.split("/").length; i++) {
                        root = root.getParent();
                    }
                    roots.add(root.toAbsolutePath().normalize());
                } else if (url.getProtocol().equals("jar")) {
                    URL jar = ((JarURLConnection) url.openConnection()).getJarFileURL();
                    if (jar.getProtocol().equals("file")) {
                        roots.add(Paths.get(jar.toURI()).toAbsolutePath().normalize());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return roots;
    }

    private static boolean isClassFile(String file) {
        return file.endsWith(".class") && !file.equals("package-info.class") && !file.equals("module-info.class");
    }

    private static String className(String packageName, String file) {
        return packageName + "." + file.substring(0, file.length() - ".class".length());
    }

    private Class<?> load(String className) {
        try {
            return Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("cannot load " + className + " to read its API", e);
        }
    }

    // ------------------------------------------------------------------------------------------------ dumping types

    private void dumpType(Class<?> type, Map<String, List<String>> linesByType) {
        Map<String, Object> constants = constantValues(type);
        List<String> lines = new ArrayList<>();
        lines.add("type " + deprecation(type) + typeHeader(type));

        for (Class<?> nested : type.getDeclaredClasses()) {
            if (isVisible(nested.getModifiers()) && !nested.isSynthetic()) {
                lines.add("nested " + deprecation(nested) + typeModifiers(nested) + " " + kind(nested) + " "
                        + nested.getName());
                dumpType(nested, linesByType);
            }
        }
        for (Field field : type.getDeclaredFields()) {
            if (field.isSynthetic() || !isVisible(field.getModifiers())) {
                continue;
            }
            if (field.isEnumConstant()) {
                lines.add("enum-constant " + deprecation(field) + field.getName());
                continue;
            }
            String line = "field " + deprecation(field) + modifiers(field.getModifiers() & Modifier.fieldModifiers())
                    + field.getGenericType().getTypeName() + " " + field.getName();
            if (constants.containsKey(field.getName())) {
                line += " = " + literal(constants.get(field.getName()), field.getType());
            }
            lines.add(line);
        }
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (!constructor.isSynthetic() && isVisible(constructor.getModifiers())) {
                lines.add("constructor " + deprecation(constructor)
                        + modifiers(constructor.getModifiers() & Modifier.constructorModifiers())
                        + typeParameters(constructor) + type.getName() + signature(constructor));
            }
        }
        for (Method method : type.getDeclaredMethods()) {
            if (!method.isSynthetic() && !method.isBridge() && isVisible(method.getModifiers())) {
                String modifiers = modifiers(method.getModifiers() & Modifier.methodModifiers());
                if (method.isDefault()) {
                    modifiers = modifiers.replace("public ", "public default ");
                }
                lines.add("method " + deprecation(method) + modifiers + typeParameters(method)
                        + method.getGenericReturnType().getTypeName() + " " + method.getName() + signature(method));
            }
        }

        String prefix = type.getName() + " :: ";
        linesByType.put(type.getName(), lines.stream()
                .sorted(Comparator.comparingInt((String line) -> KINDS.indexOf(line.substring(0, line.indexOf(' '))))
                        .thenComparing(Comparator.naturalOrder()))
                .map(line -> prefix + line)
                .collect(Collectors.toList()));
    }

    private static boolean isVisible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static String typeHeader(Class<?> type) {
        StringBuilder header = new StringBuilder(typeModifiers(type)).append(' ').append(kind(type)).append(' ')
                .append(type.getName()).append(typeParameters(type).stripTrailing());
        if (type.isRecord()) {
            header.append(Arrays.stream(type.getRecordComponents())
                    .map(component -> component.getGenericType().getTypeName() + " " + component.getName())
                    .collect(Collectors.joining(", ", "(", ")")));
        }
        Type superclass = type.getGenericSuperclass();
        if (superclass != null && superclass != Object.class && !type.isEnum() && !type.isRecord()) {
            header.append(" extends ").append(superclass.getTypeName());
        }
        Type[] interfaces = type.getGenericInterfaces();
        if (interfaces.length > 0 && !type.isAnnotation()) {
            header.append(type.isInterface() ? " extends " : " implements ").append(typeNames(interfaces));
        }
        if (type.isSealed()) {
            header.append(" permits ").append(Arrays.stream(type.getPermittedSubclasses())
                    .map(permitted -> isVisible(permitted.getModifiers()) ? permitted.getName() : "(not public)")
                    .distinct().sorted().collect(Collectors.joining(", ")));
        }
        return header.toString();
    }

    private static String kind(Class<?> type) {
        if (type.isAnnotation()) {
            return "@interface";
        } else if (type.isInterface()) {
            return "interface";
        } else if (type.isEnum()) {
            return "enum";
        } else if (type.isRecord()) {
            return "record";
        }
        return "class";
    }

    /** The modifiers of a type, without those its kind implies: interfaces are abstract, enums and records final. */
    private static String typeModifiers(Class<?> type) {
        int modifiers = type.getModifiers()
                & (type.isInterface() ? Modifier.interfaceModifiers() : Modifier.classModifiers());
        if (type.isInterface()) {
            modifiers &= ~Modifier.ABSTRACT;
        } else if (type.isEnum() || type.isRecord()) {
            modifiers &= ~Modifier.FINAL; // implied, and an enum loses the flag when a constant gets a body
        }
        String text = Modifier.toString(modifiers);
        if (type.isSealed()) {
            text += " sealed";
        } else if (!Modifier.isFinal(modifiers) && isNonSealed(type)) {
            text += " non-sealed";
        }
        return text.strip();
    }

    private static boolean isNonSealed(Class<?> type) {
        Class<?> superclass = type.getSuperclass();
        return (superclass != null && superclass.isSealed())
                || Arrays.stream(type.getInterfaces()).anyMatch(Class::isSealed);
    }

    private static String modifiers(int modifiers) {
        String text = Modifier.toString(modifiers);
        return text.isEmpty() ? "" : text + " ";
    }

    private static String typeParameters(GenericDeclaration declaration) {
        TypeVariable<?>[] variables = declaration.getTypeParameters();
        if (variables.length == 0) {
            return "";
        }
        return Arrays.stream(variables).map(variable -> {
            Type[] bounds = variable.getBounds();
            boolean unbounded = bounds.length == 1 && bounds[0] == Object.class;
            return unbounded ? variable.getName() : variable.getName() + " extends " + Arrays.stream(bounds)
                    .map(Type::getTypeName).collect(Collectors.joining(" & "));
        }).collect(Collectors.joining(", ", "<", "> "));
    }

    private static String signature(Executable executable) {
        Type[] parameters = executable.getGenericParameterTypes();
        if (parameters.length != executable.getParameterCount()) {
            // inner class constructors and the like: the generic signature omits implicit parameters
            parameters = executable.getParameterTypes();
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < parameters.length; i++) {
            String name = parameters[i].getTypeName();
            if (executable.isVarArgs() && i == parameters.length - 1 && name.endsWith("[]")) {
                name = name.substring(0, name.length() - 2) + "...";
            }
            names.add(name);
        }
        String text = "(" + String.join(", ", names) + ")";
        Type[] exceptions = executable.getGenericExceptionTypes();
        if (exceptions.length > 0) {
            text += " throws " + typeNames(exceptions);
        }
        return text;
    }

    private static String typeNames(Type[] types) {
        return Arrays.stream(types).map(Type::getTypeName).collect(Collectors.joining(", "));
    }

    private static String deprecation(AccessibleObject member) {
        return deprecation(member.getAnnotation(Deprecated.class));
    }

    private static String deprecation(Class<?> type) {
        return deprecation(type.getAnnotation(Deprecated.class));
    }

    private static String deprecation(Deprecated deprecated) {
        if (deprecated == null) {
            return "";
        }
        List<String> elements = new ArrayList<>();
        if (!deprecated.since().isEmpty()) {
            elements.add("since=" + literal(deprecated.since(), String.class));
        }
        if (deprecated.forRemoval()) {
            elements.add("forRemoval=true");
        }
        return elements.isEmpty() ? "@Deprecated " : "@Deprecated(" + String.join(", ", elements) + ") ";
    }

    // ------------------------------------------------------------------------------------------------ constant values

    private static String literal(Object value, Class<?> type) {
        if (type == String.class) {
            StringBuilder text = new StringBuilder("\"");
            for (char c : ((String) value).toCharArray()) {
                if (c == '"' || c == '\\') {
                    text.append('\\').append(c);
                } else if (c < 0x20 || c > 0x7e) {
                    text.append(String.format("\\u%04x", (int) c));
                } else {
                    text.append(c);
                }
            }
            return text.append('"').toString();
        } else if (type == boolean.class) {
            return String.valueOf(((Integer) value) != 0);
        } else if (type == char.class) {
            return String.format("'\\u%04x'", (Integer) value);
        } else if (type == long.class) {
            return value + "L";
        } else if (type == float.class) {
            return value + "F";
        }
        return String.valueOf(value); // int, short, byte, double
    }

    /**
     * The compile-time constants of a class by field name, read from the {@code ConstantValue} attributes of its
     * class file: what a compiler copies into the code that uses them, without running any static initializer.
     */
    private Map<String, Object> constantValues(Class<?> type) {
        String resource = type.getName().replace('.', '/') + ".class";
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no class file for " + type.getName());
            }
            return constantValues(new DataInputStream(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static Map<String, Object> constantValues(DataInputStream in) throws IOException {
        in.readInt(); // magic
        in.readUnsignedShort(); // minor version
        in.readUnsignedShort(); // major version
        int poolSize = in.readUnsignedShort();
        Object[] pool = new Object[poolSize];
        for (int i = 1; i < poolSize; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> pool[i] = in.readUTF();
                case 3 -> pool[i] = in.readInt();
                case 4 -> pool[i] = in.readFloat();
                case 5 -> pool[i++] = in.readLong(); // a long and a double take two entries
                case 6 -> pool[i++] = in.readDouble();
                case 8 -> pool[i] = new StringRef(in.readUnsignedShort());
                case 7, 16, 19, 20 -> in.skipNBytes(2);
                case 15 -> in.skipNBytes(3);
                case 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        in.readUnsignedShort(); // access flags
        in.readUnsignedShort(); // this class
        in.readUnsignedShort(); // superclass
        in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
        Map<String, Object> constants = new HashMap<>();
        int fieldCount = in.readUnsignedShort();
        for (int f = 0; f < fieldCount; f++) {
            in.readUnsignedShort(); // access flags
            String name = (String) pool[in.readUnsignedShort()];
            in.readUnsignedShort(); // descriptor
            int attributeCount = in.readUnsignedShort();
            for (int a = 0; a < attributeCount; a++) {
                String attribute = (String) pool[in.readUnsignedShort()];
                int length = in.readInt();
                if (attribute.equals("ConstantValue")) {
                    Object value = pool[in.readUnsignedShort()];
                    constants.put(name, value instanceof StringRef ref ? pool[ref.utf8Index()] : value);
                } else {
                    in.skipNBytes(length);
                }
            }
        }
        return constants;
    }

    /** A {@code CONSTANT_String} entry: the index of its text. */
    private record StringRef(int utf8Index) {
    }
}
