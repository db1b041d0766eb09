import { defineFaultProperty } from './property';

defineFaultProperty(20261123);
