package org.gridpacs.gateway.cli;

/**
 * A bad argument found after picocli has parsed the command line (a value out of range, a missing directory):
 * reported like picocli's own usage errors, with exit status 2.
 */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
