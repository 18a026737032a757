package org.gridpacs.federation.site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import org.gridpacs.dicom.net.NetworkSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starting the gateway's federation port from {@code conf/federation.properties}, when it says so. */
public final class FederationPort {
    public static final String FILE = "federation.properties";
    private static final Logger LOG = LoggerFactory.getLogger(FederationPort.class);

    private FederationPort() {
    }

    /**
     * The acceptor for {@value #FILE} in {@code confDir} (relative paths in {@code runFolder}), answering C-ECHO;
     * null when there is no such file or it has {@code federation.enabled = false}. A bad file or TLS file is an
     * IOException naming it: the gateway does not start half-trusted.
     */
    public static FederationAcceptor startIfEnabled(Path confDir, Path runFolder, NetworkSettings network,
                                                    TrustEvents events) throws IOException {
        Path file = confDir.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        FederationSettings s = FederationSettings.load(file, runFolder);
        if (!s.enabled()) {
            LOG.info("Federation is off ({}: federation.enabled = false)", file);
            return null;
        }
        SiteTls tls;
        try {
            tls = SiteTls.load(s, events);
        } catch (GeneralSecurityException e) {
            throw new IOException("federation TLS (" + file + "): " + e.getMessage(), e);
        }
        FederationAcceptor a = FederationAcceptor.start(tls, network);
        LOG.info("Federation: site {}, AE title {}, DICOM TLS port {}:{}, {} remote site(s): {}", s.siteName(),
                s.aeTitle(), s.bindAddress(), a.port(), s.remotes().size(), s.remotes());
        return a;
    }
}
