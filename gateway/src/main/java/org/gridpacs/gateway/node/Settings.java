package org.gridpacs.gateway.node;

import java.util.Locale;
import java.util.Properties;

/** Typed reads of a configuration file with defaults and ${data} substitution; errors name the setting. */
record Settings(Properties p, String data) {

    /** Reads a properties file (UTF-8); IOException naming it when it is not there. */
    static Properties load(java.nio.file.Path file) throws java.io.IOException {
        if (!java.nio.file.Files.exists(file)) {
            throw new java.io.IOException("configuration file " + file + " not found");
        }
        Properties p = new Properties();
        try (java.io.Reader r = java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    String text(String key, String def) {
        String v = p.getProperty(key);
        return (v == null || v.isBlank() ? def : v.trim()).replace("${data}", data);
    }

    int integer(String key, int def, int min, int max) {
        String v = text(key, Integer.toString(def));
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", not " + i);
            }
            return i;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + v + "'");
        }
    }

    boolean bool(String key, boolean def) {
        String v = text(key, Boolean.toString(def)).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, not '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    String aeTitle(String key, String def) {
        String v = text(key, def);
        if (v.length() > 16 || v.contains("\\")) {
            throw new IllegalArgumentException(key + " must be an AE title of at most 16 characters, not '" + v + "'");
        }
        return v;
    }
}
