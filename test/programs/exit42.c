/* The exit status of main's return value passes through: tsvisor must exit 42. */
int main(void) { return 42; }
