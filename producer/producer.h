/* producer: `feedmill producer` reads documents and deals them to
 * workers, and sends again what is not acknowledged. Its socket diagram
 * opens producer/producer.c. */
#ifndef FEEDMILL_PRODUCER_PRODUCER_H
#define FEEDMILL_PRODUCER_PRODUCER_H

/* argv[0] is "producer"; returns the process exit status (--help says which). */
int producer_main(int argc, char **argv);

#endif
