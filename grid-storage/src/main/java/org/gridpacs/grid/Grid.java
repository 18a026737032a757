package org.gridpacs.grid;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StorageProviders;
import org.gridpacs.archive.store.StoreListeners;
import org.gridpacs.grid.crypto.KeyRing;
import org.gridpacs.grid.offsite.CopyNews;
import org.gridpacs.grid.offsite.OffsiteCopier;
import org.gridpacs.grid.offsite.OffsiteListener;
import org.gridpacs.grid.offsite.OffsiteQueue;
import org.gridpacs.grid.s3.S3Storage;
import org.gridpacs.grid.s3.S3StorageProvider;
import org.gridpacs.archive.storage.ChecksummingStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grid tier of one node: the shared storage {@value GridSettings#STORAGE_ID} (opened and checked at start: a
 * bad endpoint, credentials, bucket or key stops the node with the setting named) and, when on, the off-site copy
 * of what this node receives. {@link #status()} is what {@code pacs grid status} shows.
 */
public final class Grid implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Grid.class);

    /** What {@code GET /api/grid} answers for this node. */
    public record Status(boolean reachable, String error, long backlog, Duration oldestQueued, long copied,
                         long failures, String lastError, String location, String endpoint, String keyId,
                         boolean offsiteCopy) {
    }

    private final GridSettings settings;
    private final S3StorageProvider provider;
    private final Storage storage;
    private final String keyId;
    private OffsiteCopier copier;
    private OffsiteQueue queue;

    private Grid(GridSettings settings, S3StorageProvider provider, Storage storage, String keyId) {
        this.settings = settings;
        this.provider = provider;
        this.storage = storage;
        this.keyId = keyId;
    }

    /**
     * Opens the grid storage: loads the key ring (creating it with one key, and its password file, when missing),
     * connects, and runs the start-up check; an {@link IOException} naming the setting at fault when one fails.
     */
    public static Grid open(GridSettings settings) throws IOException {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("the grid is off (" + GridSettings.ENABLED + ")");
        }
        KeyRing keys = KeyRing.load(createKeysIfMissing(settings), settings.passwordFile(), settings.currentKey());
        S3StorageProvider provider = new S3StorageProvider(settings.s3(), keys);
        try {
            Storage storage = new StorageProviders().register(provider)
                    .open(GridSettings.STORAGE_ID, settings.location(), true);
            ((S3Storage) ((ChecksummingStorage) storage).unwrap()).check();
            LOG.info("Grid storage {} at {} ({}), key {}", GridSettings.STORAGE_ID, settings.location(),
                    settings.s3(), keys.currentKeyId());
            return new Grid(settings, provider, storage, keys.currentKeyId());
        } catch (IOException | RuntimeException e) {
            provider.close();
            throw e;
        }
    }

    /** The key ring; made with one new key on the first start (several nodes may start at once: a file lock). */
    private static Path createKeysIfMissing(GridSettings s) throws IOException {
        if (Files.exists(s.keystore())) {
            return s.keystore();
        }
        Path dir = s.keystore().toAbsolutePath().getParent();
        Files.createDirectories(dir);
        try (FileChannel ch = FileChannel.open(dir.resolve(".create.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
            if (!Files.exists(s.keystore())) {
                String id = KeyRing.addNewKey(s.keystore(), s.passwordFile(), null);
                LOG.info("Created the grid key ring {} with key {} ({} in {}): keep a copy of both files off this "
                        + "machine, without them the grid copies cannot be read", s.keystore(), id,
                        KeyRing.PASSWORD_FILE_SETTING, s.passwordFile());
            }
        }
        return s.keystore();
    }

    /** The grid storage (checksummed), to read its copies and to write new ones. */
    public Storage storage() {
        return storage;
    }

    /** The S3 storage below the checksums: its listing, for the orphan sweep. */
    public S3Storage s3() {
        return (S3Storage) ((ChecksummingStorage) storage).unwrap();
    }

    public GridSettings settings() {
        return settings;
    }

    /**
     * Starts the off-site copy (when {@link GridSettings#offsiteCopy()}): queues what {@code listeners} hear, runs
     * the start-up pass (instances on {@code homeStorage} without a grid copy that {@code mine} accepts), and
     * starts the copier.
     *
     * @param sources this node's storages to copy from, by id
     * @param mine    (Study Instance UID, storages holding usable copies) whether this node owes the copy
     */
    public void startOffsiteCopy(IndexDatabase db, SqlInstanceIndex index, Map<String, Storage> sources,
                                 String homeStorage, CopyNews news, StoreListeners listeners,
                                 BiPredicate<String, List<String>> mine) throws SQLException {
        if (!settings.offsiteCopy()) {
            LOG.info("Off-site copy to the grid is off ({})", GridSettings.OFFSITE);
            return;
        }
        queue = new OffsiteQueue(db);
        copier = new OffsiteCopier(queue, db, index, sources, storage, news, settings.backoff());
        listeners.add(new OffsiteListener(queue, copier));
        int queued = queue.addMissing(homeStorage, GridSettings.STORAGE_ID, mine);
        if (queued > 0) {
            LOG.info("Queued {} instances without a grid copy for the off-site copy", queued);
        }
        copier.start();
    }

    /** Reachability (a live check) and the off-site copy's queue and counters. */
    public Status status() {
        String error = null;
        try {
            ((S3Storage) ((ChecksummingStorage) storage).unwrap()).check();
        } catch (IOException | RuntimeException e) {
            error = e.getMessage();
        }
        long backlog = 0;
        Duration oldest = null;
        long copied = 0;
        long failures = 0;
        String lastError = null;
        if (copier != null) {
            try {
                OffsiteCopier.Stats s = copier.stats();
                backlog = s.backlog();
                oldest = s.oldestQueued() == null ? null : Duration.between(s.oldestQueued(), Instant.now());
                copied = s.copied();
                failures = s.failures();
                lastError = s.lastError();
            } catch (SQLException e) {
                lastError = "the queue cannot be read: " + e.getMessage();
            }
        }
        return new Status(error == null, error, backlog, oldest, copied, failures, lastError, settings.location(),
                settings.s3().endpoint().toString(), keyId, settings.offsiteCopy());
    }

    @Override
    public void close() {
        if (copier != null) {
            copier.close();
        }
        provider.close();
    }
}
