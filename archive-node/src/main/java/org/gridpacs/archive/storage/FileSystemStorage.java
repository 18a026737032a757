package org.gridpacs.archive.storage;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default storage: one file per object under a root folder. Keys look like
 * {@code 2026/11/21/06/9f0c...e1.dcm}: the UTC hour of the write (folders stay small, and the writes of the
 * last hours are a few folders to scan) and 128 random bits (no coordination between writers or nodes).
 *
 * <p>A new object is written to {@code .<random>.part} in its folder, forced to disk, renamed into place in
 * one step and its folder forced, so that after a crash an object is either whole under its key or a temporary
 * file that {@link #sweepIncomplete()} removes. Names starting with "." are never objects. Concurrent writers
 * into the same folder share the forcing of the folder (one fsync covers every rename done before it started).
 *
 * <p>It computes no checksum ({@link #create} answers null for it): {@link ChecksummingStorage}, which {@link
 * StorageProviders} puts around every storage it opens, does that for every provider alike.
 */
public final class FileSystemStorage implements Storage {
    private static final Logger LOG = LoggerFactory.getLogger(FileSystemStorage.class);
    private static final DateTimeFormatter HOUR_FOLDER =
            DateTimeFormatter.ofPattern("uuuu/MM/dd/HH").withZone(ZoneOffset.UTC);
    private static final String SUFFIX = ".dcm";
    private static final String TEMP_SUFFIX = ".part";
    private static final int BUFFER_SIZE = 256 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Each writing thread's buffer, kept between files (a store used to allocate and zero 256 KiB per file, and the
     * JDK then copied that heap buffer into a direct one on each write). Taken out while in use, so that a writer
     * that creates another object from inside its own write gets a buffer of its own.
     */
    private static final ThreadLocal<ByteBuffer> SPARE_BUFFER = new ThreadLocal<>();
    /**
     * The threads that force folders for {@link #createPending}: as many as writers wait on a force at once (they
     * share each force, see {@link FolderForce}), idle ones ending after a minute.
     */
    private static final ExecutorService FORCING = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "folder-force");
        t.setDaemon(true);
        return t;
    });

    private final String id;
    private final Path root;
    private final boolean fsync;
    /** Folders known to exist with their entry forced into their parent: each is checked once, not per write. */
    private final Set<Path> durableFolders = ConcurrentHashMap.newKeySet();
    /** The folders written into lately, each with the forcing its writers share (see {@link FolderForce}). */
    private final ConcurrentHashMap<Path, FolderForce> folderForces = new ConcurrentHashMap<>();

    public FileSystemStorage(String id, Path root) {
        this(id, root, true);
    }

    /** {@code fsync} false only where losing recent writes in a power cut does not matter (tests, caches). */
    public FileSystemStorage(String id, Path root, boolean fsync) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a storage needs an id");
        }
        this.id = id;
        this.root = root.toAbsolutePath().normalize();
        this.fsync = fsync;
    }

    @Override
    public String id() {
        return id;
    }

    public Path root() {
        return root;
    }

    @Override
    public StoredObject create(ContentWriter writer) throws IOException {
        PendingObject pending = createPending(writer);
        try {
            pending.awaitDurable();
        } catch (IOException | RuntimeException e) {
            removeQuietly(pending.object().key(), e);
            throw e;
        }
        return pending.object();
    }

    /**
     * As {@link #create}, returning once the file is forced and renamed into place; the forcing of its folder (the
     * rename's entry) runs meanwhile on a thread of its own, shared with the other writers into that folder. A
     * single C-STORE overlaps it with its index transaction that way instead of paying the two one after the other.
     */
    @Override
    public PendingObject createPending(ContentWriter writer) throws IOException {
        Objects.requireNonNull(writer, "writer");
        String name = randomName();
        String folder = HOUR_FOLDER.format(Instant.now());
        Path dir = root.resolve(folder);
        Path target = dir.resolve(name + SUFFIX);
        Path leftover = dir.resolve("." + name + TEMP_SUFFIX);
        ByteBuffer buffer = SPARE_BUFFER.get();
        if (buffer != null) {
            SPARE_BUFFER.remove();
        } else {
            buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
        }
        try {
            BufferedChannelOutput out;
            try (FileChannel channel = openNew(dir, leftover)) {
                out = new BufferedChannelOutput(channel, buffer);
                writer.writeTo(out);
                out.finish();
                if (fsync) {
                    // fdatasync: the content and what reading it needs (the size); the file's times can go
                    channel.force(false);
                }
            } finally {
                SPARE_BUFFER.set(buffer);
            }
            // 128 random bits do not collide, so a rename that replaces an existing file is not a worry here
            Files.move(leftover, target, StandardCopyOption.ATOMIC_MOVE);
            leftover = target; // from here a failure must take the renamed file away
            StoredObject object = new StoredObject(id, folder + "/" + name + SUFFIX, out.size(), null);
            return fsync ? new PendingObject(object, forceLater(forceOf(dir))) : PendingObject.durable(object);
        } catch (Throwable e) {
            try {
                Files.deleteIfExists(leftover);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private FileChannel openNew(Path dir, Path file) throws IOException {
        ensureFolder(dir);
        try {
            return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            // a folder removed behind our back (by hand): forget what we knew and make the folders again, once
            durableFolders.clear();
            ensureFolder(dir);
            return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    /**
     * Makes the folder and its missing parents. Each parent is forced even when the folder was already there:
     * the thread that made it may not have forced it yet, and an object must not be called durable in a folder
     * whose own entry a crash could still lose.
     */
    private void ensureFolder(Path dir) throws IOException {
        if (durableFolders.contains(dir)) {
            return;
        }
        if (dir.equals(root)) {
            if (!Files.isDirectory(root)) {
                Files.createDirectories(root);
                if (fsync && root.getParent() != null) {
                    forceFolder(root.getParent());
                }
            }
        } else {
            ensureFolder(dir.getParent());
            try {
                Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                // made by another writer, or in an earlier run
            }
            if (fsync) {
                forceFolder(dir.getParent());
            }
        }
        durableFolders.add(dir);
    }

    /** Starts {@code force} on a forcing thread; the answer waits for it. */
    private static PendingObject.Durability forceLater(FolderForce force) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        FORCING.execute(() -> {
            try {
                force.force();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        return () -> {
            try {
                done.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for a folder to be forced");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IOException("forcing a folder failed: " + e.getCause(), e.getCause());
            }
        };
    }

    private void removeQuietly(String key, Exception cause) {
        try {
            Files.deleteIfExists(resolve(key));
        } catch (IOException | RuntimeException cleanup) {
            cause.addSuppressed(cleanup);
        }
    }

    /** The forcing of {@code dir} that the writers into it share. */
    private FolderForce forceOf(Path dir) {
        FolderForce f = folderForces.get(dir);
        if (f == null) {
            if (folderForces.size() > 16) {
                // a new hour: forget the folders of the last ones (a writer still holding one finishes with it)
                folderForces.keySet().removeIf(other -> !other.equals(dir));
            }
            f = folderForces.computeIfAbsent(dir, d -> new FolderForce(d, FileSystemStorage::forceFolder));
        }
        return f;
    }

    /**
     * Group commit for the changes (renames, removals) in one folder: one fsync of a folder makes durable every
     * change in it done before the fsync started. A writer that has changed the folder counts itself in; if a
     * force that started after that has finished, it has nothing to do; else it waits for the force in
     * progress, if any, and then forces the folder itself, for itself and every writer that counted itself in
     * meanwhile. With several associations writing into the same hour folder, their renames share folder
     * fsyncs instead of queueing one each behind the file system's journal.
     */
    static final class FolderForce {
        /** What forcing a folder is (a seam for tests). */
        interface Forcer {
            void force(Path dir) throws IOException;
        }

        private final Path dir;
        private final Forcer forcer;
        /** Guarded by this: changes counted in so far. */
        private long changed;
        /** Guarded by this: every change counted in up to this one is durable. */
        private long forced;
        /** Guarded by this: a force is running. */
        private boolean forcing;

        FolderForce(Path dir, Forcer forcer) {
            this.dir = dir;
            this.forcer = forcer;
        }

        /** Called after a change in the folder: returns when that change is durable. */
        void force() throws IOException {
            long mine;
            long upTo;
            synchronized (this) {
                mine = ++changed;
                while (forced < mine && forcing) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted while waiting for " + dir + " to be forced");
                    }
                }
                if (forced >= mine) {
                    return;
                }
                forcing = true;
                upTo = changed;
            }
            boolean done = false;
            try {
                forcer.force(dir);
                done = true;
            } finally {
                synchronized (this) {
                    forcing = false;
                    if (done) {
                        forced = Math.max(forced, upTo);
                    }
                    notifyAll(); // on failure, the next waiter forces for itself (and meets the error itself)
                }
            }
        }
    }

    /** Forces a folder's entries to disk (Linux allows fsync on a folder opened for reading). */
    private static void forceFolder(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static String randomName() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Override
    public InputStream open(String key) throws IOException {
        return Files.newInputStream(resolve(key));
    }

    @Override
    public InputStream openRange(String key, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range: offset " + offset + ", length " + length);
        }
        FileChannel ch = FileChannel.open(resolve(key), StandardOpenOption.READ);
        try {
            long size = ch.size();
            if (offset > size || length > size - offset) {
                throw new EOFException("bytes " + offset + " to " + (offset + length) + " of " + key
                        + " are asked for, but it has " + size + " bytes");
            }
            // positioned, so the bytes before the range are never read
            return new RangeInputStream(Channels.newInputStream(ch.position(offset)), length);
        } catch (Throwable e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        try {
            // not Files.isRegularFile: it says false for a disk error too, and repair would take that for a loss
            return Files.readAttributes(resolve(key), BasicFileAttributes.class).isRegularFile();
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Removes the file (and forces its folder, so a crash cannot bring back what was deleted). */
    @Override
    public void remove(String key) throws IOException {
        Path file = resolve(key);
        if (Files.deleteIfExists(file) && fsync) {
            forceOf(file.getParent()).force();
        }
    }

    @Override
    public void list(Consumer<StoredObject> visitor) throws IOException {
        walk(name -> !name.startsWith("."), (file, attrs) ->
                visitor.accept(new StoredObject(id, keyOf(file), attrs.size(), null)));
    }

    @Override
    public int sweepIncomplete() throws IOException {
        int[] removed = {0};
        walk(name -> name.startsWith(".") && name.endsWith(TEMP_SUFFIX), (file, attrs) -> {
            if (Files.deleteIfExists(file)) {
                removed[0]++;
            }
        });
        return removed[0];
    }

    private interface FileAction {
        void accept(Path file, BasicFileAttributes attrs) throws IOException;
    }

    /** Visits the regular files whose names match, in every folder except hidden ones; no root, no files. */
    private void walk(Predicate<String> names, FileAction action) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(root) && dir.getFileName().toString().startsWith(".")
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile() && names.test(file.getFileName().toString())) {
                    action.accept(file, attrs);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                // one unreadable folder (lost+found, say) must not hide the rest of the storage
                if (!(e instanceof NoSuchFileException)) {
                    LOG.warn("Storage {}: cannot read {}: {}", id, file, e.toString());
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private String keyOf(Path file) {
        StringBuilder key = new StringBuilder();
        for (Path part : root.relativize(file)) {
            if (key.length() > 0) {
                key.append('/');
            }
            key.append(part);
        }
        return key.toString();
    }

    /** The file of a key given back by a caller, which must name something under the root and nothing else. */
    private Path resolve(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.indexOf('\\') >= 0 || key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a key of storage " + id + ": \"" + key + "\"");
        }
        for (String part : key.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("not a key of storage " + id + ": \"" + key + "\"");
            }
        }
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new IllegalArgumentException("not a key of storage " + id + ": \"" + key + "\"");
        }
        return file;
    }

    @Override
    public String toString() {
        return "storage " + id + " (" + root + ")";
    }
}
