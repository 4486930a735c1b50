/** The bundle's entry (dist/fetch.js): the program, started at once. */
import { startProgram } from "./main";

startProgram();
