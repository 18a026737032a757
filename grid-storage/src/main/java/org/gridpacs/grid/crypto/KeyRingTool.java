package org.gridpacs.grid.crypto;

import java.nio.file.Path;

/**
 * The key ring's command line: {@code add --keystore FILE --password-file FILE [--key-id ID]} adds a new key
 * (creating the store and a random password file if missing) and prints its id; {@code list} prints the ids.
 * Rotation: add a key, set {@value KeyRing#CURRENT_KEY_SETTING} to it (or leave it unset: the newest key is current),
 * keep the old keys.
 */
public final class KeyRingTool {
    private KeyRingTool() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length > 0 ? args[0] : "";
        Path keystore = null;
        Path passwordFile = null;
        String keyId = null;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--keystore" -> keystore = Path.of(args[i + 1]);
                case "--password-file" -> passwordFile = Path.of(args[i + 1]);
                case "--key-id" -> keyId = args[i + 1];
                default -> usage("unknown option " + args[i]);
            }
        }
        if (keystore == null || passwordFile == null) {
            usage("--keystore and --password-file are needed");
        }
        switch (command) {
            case "add" -> System.out.println(KeyRing.addNewKey(keystore, passwordFile, keyId));
            case "list" -> {
                KeyRing ring = KeyRing.load(keystore, passwordFile, keyId);
                ring.keyIds().forEach(id -> System.out.println(id + (id.equals(ring.currentKeyId()) ? " (current)" : "")));
            }
            default -> usage("unknown command \"" + command + "\"");
        }
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: KeyRingTool add|list --keystore FILE --password-file FILE [--key-id ID]");
        System.exit(2);
    }
}
