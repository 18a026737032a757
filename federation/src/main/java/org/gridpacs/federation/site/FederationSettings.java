package org.gridpacs.federation.site;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * This site in the federation ({@code conf/federation.properties}, parsed by {@link SitesParser}): its name, its
 * gateway's AE title and TLS port, its TLS files, and the remote sites it deals with.
 *
 * @param enabled     whether the gateway opens its federation port at all
 * @param bindAddress where the federation port listens (an address of this machine)
 * @param port        the federation port (DICOM over TLS; 0: chosen by the system, for tests)
 */
public record FederationSettings(boolean enabled, String siteName, String aeTitle, String bindAddress, int port,
                                 TlsFiles tls, List<RemoteSite> remotes) {

    /**
     * @param keyStore     the gateway's key and certificate (PKCS#12), made by {@code pacs federation-certs}
     * @param trustStore   the CAs trusted: our site CA and the imported ones (another site's, a national CA)
     * @param passwordFile the password of both stores, on its first line
     * @param crl          our site CA's revocation list (written by {@code pacs federation-certs --revoke})
     * @param remoteCrls   the other CAs' revocation lists, as copied from them; absent files revoke nothing
     */
    public record TlsFiles(Path keyStore, Path trustStore, Path passwordFile, Path crl, List<Path> remoteCrls) {
        public TlsFiles {
            remoteCrls = List.copyOf(remoteCrls);
        }

        /** Every revocation list watched: ours first. */
        public List<Path> allCrls() {
            List<Path> all = new ArrayList<>();
            all.add(crl);
            all.addAll(remoteCrls);
            return all;
        }

        /** The stores' password (the file's first line); an IOException naming the file when it cannot be read. */
        public char[] password() throws IOException {
            List<String> lines;
            try {
                lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new IOException(passwordFile + " (federation.tls.password-file) does not exist: make it with "
                        + "pacs federation-certs", e);
            }
            if (lines.isEmpty() || lines.get(0).isEmpty()) {
                throw new IOException(passwordFile + " (federation.tls.password-file) is empty");
            }
            return lines.get(0).toCharArray();
        }
    }

    public FederationSettings {
        remotes = List.copyOf(remotes);
    }

    /** Reads {@code file}; relative paths are resolved in {@code runDir}. Bad settings: an exception naming the key. */
    public static FederationSettings load(Path file, Path runDir) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new IOException(file + " does not exist", e);
        }
        try {
            return SitesParser.parse(p, runDir);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The remote site whose gateway has this AE title. */
    public Optional<RemoteSite> remoteByAeTitle(String aeTitle) {
        return remotes.stream().filter(s -> s.aeTitle().equals(aeTitle)).findFirst();
    }

    /** The remote site of this name (or {@code federation.remote.<id>} key). */
    public Optional<RemoteSite> remote(String nameOrId) {
        return remotes.stream().filter(s -> s.name().equals(nameOrId) || s.id().equals(nameOrId)).findFirst();
    }
}
