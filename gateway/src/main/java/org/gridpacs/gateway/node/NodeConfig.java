package org.gridpacs.gateway.node;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.gridpacs.archive.dimse.ApplicationEntities;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.replication.config.ClusterNode;

/**
 * A node's configuration, read from a properties file ({@code conf/node.properties}); every setting has a
 * default that works on one machine. A bad value is refused at start with a message naming the setting.
 */
public record NodeConfig(Path dataDir, String aeTitle, String bindAddress, int dicomPort, int httpPort,
                         NetworkSettings network, String storageId, String storageUri, boolean storageFsync,
                         String indexUrl, DuplicatePolicy duplicatePolicy, ApplicationEntities applicationEntities,
                         Path httpUsers, UserHttp userHttp, Path viewerFolder, int commitmentWaitSeconds) {

    private static final java.util.Set<String> RIGHTS = java.util.Set.of("store", "query", "retrieve");

    /** Reads {@code file} (which may be absent: defaults then) with its data folder {@code dataDir}. */
    public static NodeConfig load(Path file, Path dataDir) throws IOException {
        Path conf = file != null && file.toAbsolutePath().getParent() != null ? file.toAbsolutePath().getParent() : dataDir;
        return from(file != null ? Settings.load(file) : new Properties(), dataDir, conf);
    }

    /** The same with another DICOM port. */
    public NodeConfig withDicomPort(int port) {
        return new NodeConfig(dataDir, aeTitle, bindAddress, port, httpPort, network, storageId, storageUri,
                storageFsync, indexUrl, duplicatePolicy, applicationEntities, httpUsers, userHttp, viewerFolder,
                commitmentWaitSeconds);
    }

    /**
     * As a member of a cluster: the member's DICOM and HTTP ports, and its name as the id of its home storage,
     * which every node's {@link org.gridpacs.archive.storage.StorageRegistry} reads as that node's
     * ({@link ClusterStorages}), so that every node's index says which node holds each copy.
     */
    public NodeConfig asClusterNode(ClusterNode node) {
        return new NodeConfig(dataDir, aeTitle, bindAddress, node.dicomPort(), node.httpPort(), network, node.name(),
                storageUri, storageFsync, indexUrl, duplicatePolicy, applicationEntities, httpUsers,
                userHttp.withPort(node.httpPort()), viewerFolder, commitmentWaitSeconds);
    }

    /** From settings already read (tests, embedding); the data folder stands for the configuration folder. */
    public static NodeConfig from(Properties p, Path dataDir) {
        return from(p, dataDir, dataDir);
    }

    /** From settings already read; {@code ${conf}} in a path is {@code confDir}. */
    public static NodeConfig from(Properties p, Path dataDir, Path confDir) {
        Settings s = new Settings(p, dataDir.toAbsolutePath().toString());
        NetworkSettings network = NetworkSettings.DEFAULT
                .withMaxAssociations(s.integer("dicom.maxAssociations", 50, 1, 10_000))
                .withMaxPduLength(s.integer("dicom.maxPduLength", 65_536, 0, Integer.MAX_VALUE))
                .withTimeouts(NetworkSettings.DEFAULT.connectTimeout(),
                        s.integer("dicom.artimTimeout", 30, 1, 3600) * 1000,
                        s.integer("dicom.idleTimeout", 300, 0, 86_400) * 1000,
                        NetworkSettings.DEFAULT.responseTimeout());
        String policy = s.text("store.duplicatePolicy", "REJECT").toUpperCase(Locale.ROOT);
        DuplicatePolicy duplicatePolicy;
        try {
            duplicatePolicy = DuplicatePolicy.valueOf(policy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("store.duplicatePolicy must be REJECT or REPLACE, not " + policy);
        }
        String dicomBind = s.text("dicom.bindAddress", "127.0.0.1");
        return new NodeConfig(dataDir.toAbsolutePath(), s.aeTitle("dicom.aeTitle", "PACS"),
                dicomBind, s.integer("dicom.port", 11112, 0, 65535),
                s.integer("http.port", 8080, 0, 65535), network, s.text("storage.id", "fs1"),
                s.text("storage.uri", "file:storage"), s.bool("storage.fsync", true),
                s.text("index.url", "jdbc:h2:file:${data}/index/index"), duplicatePolicy,
                new ApplicationEntities(knownAEs(p, s), s.bool("security.acceptUnknownCallers", true)),
                Path.of(s.text("http.users", "${conf}/http-users.properties")
                        .replace("${conf}", confDir.toAbsolutePath().toString())),
                UserHttp.read(s, dicomBind, confDir),
                viewerFolder(s), s.integer("commitment.waitSeconds", 60, 0, 86_400));
    }

    /**
     * The OHIF viewer's folder ({@code http.viewer}; by default where scripts/fetch-viewer puts it under the
     * installation, {@code -Dpacs.home}, else the working folder).
     */
    private static Path viewerFolder(Settings s) {
        Path home = Path.of(System.getProperty("pacs.home", ".")).toAbsolutePath().normalize();
        String configured = s.text("http.viewer", "");
        return configured.isBlank() ? org.gridpacs.web.viewer.ViewerHandler.defaultFolder(home)
                : home.resolve(configured.replace("${home}", home.toString()));
    }

    private static Map<String, ApplicationEntities.KnownAE> knownAEs(Properties p, Settings s) {
        Map<String, ApplicationEntities.KnownAE> known = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames().stream().sorted().toList()) {
            if (!key.startsWith("ae.")) {
                continue;
            }
            String aet = key.substring(3);
            String[] words = s.text(key, "").trim().split("\\s+");
            String[] hostPort = words[0].split(":");
            if (aet.isEmpty() || aet.length() > 16 || hostPort.length != 2) {
                throw new IllegalArgumentException(key + " must be 'host:port [store] [query] [retrieve]', not '"
                        + p.getProperty(key) + "'");
            }
            int port;
            try {
                port = Integer.parseInt(hostPort[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": '" + hostPort[1] + "' is not a port number");
            }
            java.util.Set<String> rights = new java.util.HashSet<>();
            for (int i = 1; i < words.length; i++) {
                String r = words[i].toLowerCase(Locale.ROOT);
                if (!RIGHTS.contains(r)) {
                    throw new IllegalArgumentException(key + ": unknown right '" + words[i] + "' (store, query, retrieve)");
                }
                rights.add(r);
            }
            boolean all = rights.isEmpty();
            known.put(aet, new ApplicationEntities.KnownAE(aet, hostPort[0], port, all || rights.contains("store"),
                    all || rights.contains("query"), all || rights.contains("retrieve")));
        }
        return known;
    }
}
