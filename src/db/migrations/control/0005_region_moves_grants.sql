-- Region moves are written by the move (features/regions) and read by the operator API.
GRANT SELECT, INSERT, UPDATE ON region_moves TO subreg_app;
