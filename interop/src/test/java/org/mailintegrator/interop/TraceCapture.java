package org.mailintegrator.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Turns {@code java.util.logging} loggers to FINEST (for Angus's loggers: their protocol trace) and captures
 * what they and their descendants log; {@link #close()} puts the loggers back as they were.
 */
final class TraceCapture extends Handler implements AutoCloseable {
    private final List<Logger> loggers = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();
    private final List<Boolean> useParentHandlers = new ArrayList<>();
    private final StringBuffer text = new StringBuffer();
    private final SimpleFormatter formatter = new SimpleFormatter();

    static TraceCapture start(List<String> loggerNames) {
        TraceCapture capture = new TraceCapture();
        capture.setLevel(Level.ALL);
        for (String name : loggerNames) {
            Logger logger = Logger.getLogger(name);
            capture.loggers.add(logger); // also keeps the configured logger from being collected
            capture.levels.add(logger.getLevel());
            capture.useParentHandlers.add(logger.getUseParentHandlers());
            logger.setLevel(Level.FINEST);
            logger.setUseParentHandlers(false);
            logger.addHandler(capture);
        }
        return capture;
    }

    @Override
    public void publish(LogRecord record) {
        text.append(record.getLoggerName()).append(": ").append(formatter.formatMessage(record)).append('\n');
        if (record.getThrown() != null) {
            text.append(record.getThrown()).append('\n');
        }
    }

    String text() {
        return text.toString();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            Logger logger = loggers.get(i);
            logger.removeHandler(this);
            logger.setLevel(levels.get(i));
            logger.setUseParentHandlers(useParentHandlers.get(i));
        }
    }
}
