/* A small, deterministic memory workload for checking rcusim's cache model against Cachegrind:
 * a column-major walk of a row-major matrix (stride misses) and a shuffled linked-list chase
 * (pointer-dependent misses), the two access shapes an RCU callback list produces. */
#include <stdio.h>
#include <stdlib.h>

#define N 96
#define NODES 4096

struct node {
  struct node *next;
  long val[7]; /* one node per 64-byte line */
};

static double m[N][N];
static struct node nodes[NODES];

int main(void) {
  unsigned x = 12345; /* fixed LCG seed: the trace is the same on every run */
  for (int i = 0; i < NODES; i++) nodes[i].val[0] = i;
  /* Shuffle the list order so consecutive nodes land in unrelated lines. */
  int order[NODES];
  for (int i = 0; i < NODES; i++) order[i] = i;
  for (int i = NODES - 1; i > 0; i--) {
    x = x * 1103515245u + 12345u;
    int j = (int)((x >> 16) % (unsigned)(i + 1));
    int t = order[i]; order[i] = order[j]; order[j] = t;
  }
  for (int i = 0; i < NODES - 1; i++) nodes[order[i]].next = &nodes[order[i + 1]];
  nodes[order[NODES - 1]].next = NULL;

  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) m[i][j] = i + j;
  double sum = 0;
  for (int j = 0; j < N; j++)
    for (int i = 0; i < N; i++) sum += m[i][j];

  long total = 0;
  for (int pass = 0; pass < 2; pass++)
    for (struct node *p = &nodes[order[0]]; p; p = p->next) total += p->val[0];

  printf("%.0f %ld\n", sum, total);
  return 0;
}
