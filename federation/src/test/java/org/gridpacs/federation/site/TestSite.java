package org.gridpacs.federation.site;

import java.io.StringReader;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.gridpacs.pki.KeyType;

/** Test support: a site's certificate files made by {@link SiteCertificates} in a folder, and its settings. */
final class TestSite {
    /** The refusals a site was told about. */
    record Refusal(String site, String reason, SocketAddress peer) {
    }

    final Path runDir;
    final String name;
    final String aeTitle;
    final List<Refusal> refusals = new CopyOnWriteArrayList<>();
    final TrustEvents events = TrustEvents.LOG.andThen((s, r, p) -> refusals.add(new Refusal(s, r, p)));

    TestSite(Path runDir, String name, String aeTitle) throws Exception {
        this.runDir = runDir;
        this.name = name;
        this.aeTitle = aeTitle;
        certificates().init(name, aeTitle, List.of("127.0.0.1", "localhost"), 2, KeyType.EC);
    }

    SiteCertificates certificates() throws Exception {
        return new SiteCertificates(settings("").tls());
    }

    Path caPem() {
        return runDir.resolve("federation/tls/" + SiteCertificates.CA_PEM);
    }

    /** Settings listening on a port of the system's choice, with {@code extra} properties (remote sites). */
    FederationSettings settings(String extra) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader("federation.enabled = true\nfederation.site-name = " + name + "\nfederation.ae-title = "
                + aeTitle + "\nfederation.port = 0\n" + extra));
        return SitesParser.parse(p, runDir);
    }

    static String remote(String id, TestSite site, int port) {
        return remote(id, site.name, site.aeTitle, port);
    }

    static String remote(String id, String name, String ae, int port) {
        String k = "federation.remote." + id + ".";
        return k + "name = " + name + "\n" + k + "ae-title = " + ae + "\n" + k + "host = 127.0.0.1\n" + k + "port = "
                + port + "\n" + k + "may-here = query, retrieve\n" + k + "may-there = query\n";
    }
}
