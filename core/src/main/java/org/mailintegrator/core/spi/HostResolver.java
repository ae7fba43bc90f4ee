package org.mailintegrator.core.spi;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Looks up the addresses of a host name, in the order they should be tried. The integrator asks it once per host
 * and integration, bounds the lookup by its connect timeout (a lookup that does not return in time ends the
 * candidate as {@code TIMED_OUT} in {@code Phase.RESOLVE}, whatever the resolver goes on doing), and races the
 * addresses the way RFC 8305 does, address families interleaved.
 *
 * <p>Replace it to use another resolver (a DNS library, a cache, a test's records); {@link #SYSTEM} is the JDK's.
 * Implementations must be safe for concurrent use, and should return quickly or honour interruption.
 */
@FunctionalInterface
public interface HostResolver {
    /** The JDK's resolver ({@link InetAddress#getAllByName(String)}): the system's hosts file and DNS. */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /**
     * The addresses of {@code host}, most preferred first; never empty.
     *
     * @throws UnknownHostException if the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
